/**
 * @module The digest email (docs/contract.md §7): subject, then alerts grouped by topic in config order
 * (an alert on several topics appears once, under the first), the factsheets they put in
 * question, and a footer saying why the person gets it. Pure. The plain-text body is built here
 * (every fetched value kept to one line), the HTML part by digest-html.tsx.
 */
import type { TopicConfig } from '../config/schema.ts';
import type { Alert, Frequency } from '../domain/types.ts';
import {
  alertCount,
  type DigestFactsheet,
  type DigestOutline,
  diffExcerpt,
  digestOutline,
  FACTSHEETS_HEADING,
  moreLines,
  type TopicGroup,
} from './digest-content.ts';
import { digestHtml } from './digest-html.tsx';
import { oneLine, safeHttpUrl, shorten } from './escape.ts';
import { type FooterInput, footerText, formatWhen } from './layout.ts';

export const MAX_SUBJECT_LENGTH = 150;

export interface DigestRenderInput {
  organisation: { name: string; contact: string };
  /** `digests.timezone`: dates are shown in it. */
  timezone: string;
  /** Every configured topic, in config order. */
  topics: readonly Pick<TopicConfig, 'id' | 'title'>[];
  subscriber: { topics: readonly string[]; frequency: Frequency };
  alerts: readonly Alert[];
  /** Factsheets whose evidence includes an alert of this email, high severity first. */
  factsheets: readonly DigestFactsheet[];
  links: { manage: string; unsubscribe: string };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Groups alerts under the first topic (config order) they share with the subscriber, newest
 * change first within a group. Alerts on none of those topics fall under their first known topic.
 */
export function groupByTopic(
  topics: readonly Pick<TopicConfig, 'id' | 'title'>[],
  subscribed: readonly string[],
  alerts: readonly Alert[],
): TopicGroup[] {
  const order = new Map(topics.map((topic, index) => [topic.id, index]));
  const rank = (id: string) =>
    (subscribed.includes(id) ? 0 : 1) * topics.length + (order.get(id) ?? topics.length);
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const home = alert.topics.filter((id) => order.has(id)).sort((a, b) => rank(a) - rank(b))[0];
    if (home === undefined) continue;
    const list = groups.get(home) ?? [];
    list.push(alert);
    groups.set(home, list);
  }
  return topics
    .filter((topic) => groups.has(topic.id))
    .map((topic) => ({
      topic,
      alerts: (groups.get(topic.id) ?? []).sort(
        (a, b) => b.changedAt.localeCompare(a.changedAt) || a.id.localeCompare(b.id),
      ),
    }));
}

/** `[<organisation>] <n> new alert(s): <topic titles>`, at most 150 characters. */
export function digestSubject(organisation: string, count: number, topicTitles: readonly string[]): string {
  const noun = count === 1 ? 'alert' : 'alerts';
  const subject = `[${oneLine(organisation)}] ${count} new ${noun}: ${topicTitles.map(oneLine).join(', ')}`;
  return shorten(subject, MAX_SUBJECT_LENGTH);
}

export function renderDigest(input: DigestRenderInput): RenderedEmail {
  const groups = groupByTopic(input.topics, input.subscriber.topics, input.alerts);
  const count = alertCount(groups);
  // Every followed topic the alerts are on, not only the group headings: an alert on two
  // topics shows once but is news for both.
  const covered = input.topics.filter(
    (topic) =>
      input.subscriber.topics.includes(topic.id) &&
      groups.some((group) => group.alerts.some((alert) => alert.topics.includes(topic.id))),
  );
  const subject = digestSubject(
    input.organisation.name,
    count,
    (covered.length > 0 ? covered : groups.map((group) => group.topic)).map((topic) => topic.title),
  );
  const titleOf = new Map(input.topics.map((topic) => [topic.id, topic.title]));
  const footer: FooterInput = {
    organisation: input.organisation.name,
    contact: input.organisation.contact,
    // Topics since removed from the config are no longer followed in any useful sense.
    topicTitles: input.subscriber.topics.flatMap((id) => titleOf.get(id) ?? []),
    frequency: input.subscriber.frequency,
    manageUrl: input.links.manage,
    unsubscribeUrl: input.links.unsubscribe,
  };
  const outline = digestOutline(groups, input.factsheets);
  return {
    subject,
    text: digestText(input, groups, outline, footer),
    html: digestHtml({
      subject,
      organisation: input.organisation.name,
      timezone: input.timezone,
      outline,
      groups,
      factsheets: input.factsheets,
      footer,
    }),
  };
}

function digestText(
  input: DigestRenderInput,
  groups: TopicGroup[],
  outline: DigestOutline,
  footer: FooterInput,
): string {
  const out: string[] = [outline.heading, ''];
  const toc = outline.contents;
  if (toc.length > 0) out.push('In this email:', ...toc.map((line) => `  ${line}`), '');
  for (const group of groups) {
    const title = oneLine(group.topic.title);
    out.push(title, '='.repeat(Math.min(Array.from(title).length, 72)), '');
    for (const alert of group.alerts) {
      out.push(`* ${oneLine(alert.title) || '(untitled)'}`);
      out.push(`  ${oneLine(alert.source.title)}, ${formatWhen(alert.changedAt, input.timezone)}`);
      const url = safeHttpUrl(alert.url);
      if (url) out.push(`  ${url}`);
      const what = oneLine(alert.whatChanged);
      if (what) out.push(`  ${what}`);
      const { removed, added, more } = diffExcerpt(alert);
      if (removed.length > 0) out.push('  Removed:', ...removed.map((line) => `    - ${line}`));
      if (added.length > 0) out.push('  Added:', ...added.map((line) => `    + ${line}`));
      if (more > 0) out.push(`    ${moreLines(more)}`);
      out.push('');
    }
  }
  if (input.factsheets.length > 0) {
    out.push(FACTSHEETS_HEADING, '='.repeat(FACTSHEETS_HEADING.length), '', outline.factsheetsLead, '');
    for (const sheet of input.factsheets) {
      const url = sheet.url ? safeHttpUrl(sheet.url) : null;
      out.push(`* ${oneLine(sheet.title)}${url ? `\n  ${url}` : ''}`);
      for (const change of sheet.changes ?? []) out.push(`  Changed: ${oneLine(change)}`);
    }
    out.push('');
  }
  out.push(footerText(footer));
  return out.join('\n');
}
