/**
 * @module The digest email (SPEC §7): subject, then alerts grouped by topic in config order
 * (an alert on several topics appears once, under the first), the factsheets they put in
 * question, and a footer saying why the person gets it. Pure; every fetched value escaped.
 */
import type { TopicConfig } from '../config.ts';
import { formatInZone } from '../domain/time.ts';
import type { Alert, Frequency } from '../domain/types.ts';
import { escapeHtml, oneLine, safeHttpUrl, shorten } from './escape.ts';
import { type FooterInput, footerHtml, footerText, htmlDocument, htmlLink, STYLE } from './layout.ts';

export const MAX_SUBJECT_LENGTH = 150;
/** Lines of a page diff shown per side: the link has the rest. */
export const DIFF_EXCERPT_LINES = 5;
const DIFF_LINE_LENGTH = 200;

export interface DigestRenderInput {
  organisation: { name: string; contact: string };
  /** `digests.timezone`: dates are shown in it. */
  timezone: string;
  /** Every configured topic, in config order. */
  topics: readonly Pick<TopicConfig, 'id' | 'title'>[];
  subscriber: { topics: readonly string[]; frequency: Frequency };
  alerts: readonly Alert[];
  /** Factsheets whose evidence includes an alert of this email, in config order. */
  factsheets: readonly { title: string; url: string | null }[];
  links: { manage: string; unsubscribe: string };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface TopicGroup {
  topic: Pick<TopicConfig, 'id' | 'title'>;
  alerts: Alert[];
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
  const count = groups.reduce((sum, group) => sum + group.alerts.length, 0);
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
    topicTitles: input.subscriber.topics.map((id) => titleOf.get(id) ?? id),
    frequency: input.subscriber.frequency,
    manageUrl: input.links.manage,
    unsubscribeUrl: input.links.unsubscribe,
  };
  return {
    subject,
    text: digestText(input, groups, subject, footer),
    html: digestHtml(input, groups, subject, footer),
  };
}

function diffExcerpt(alert: Alert): { sign: '+' | '-'; line: string }[] {
  if (!alert.diff) return [];
  const take = (lines: string[], sign: '+' | '-') =>
    lines
      .slice(0, DIFF_EXCERPT_LINES)
      .map((line) => ({ sign, line: shorten(oneLine(line), DIFF_LINE_LENGTH) }));
  return [...take(alert.diff.removed, '-'), ...take(alert.diff.added, '+')];
}

function moreDiffLines(alert: Alert): number {
  if (!alert.diff) return 0;
  return (
    Math.max(0, alert.diff.added.length - DIFF_EXCERPT_LINES) +
    Math.max(0, alert.diff.removed.length - DIFF_EXCERPT_LINES)
  );
}

function digestText(
  input: DigestRenderInput,
  groups: TopicGroup[],
  subject: string,
  footer: FooterInput,
): string {
  const out: string[] = [subject, ''];
  for (const group of groups) {
    const heading = oneLine(group.topic.title);
    out.push(heading, '='.repeat(Math.min(Array.from(heading).length, 72)), '');
    for (const alert of group.alerts) {
      out.push(`* ${oneLine(alert.title) || '(untitled)'}`);
      out.push(`  ${oneLine(alert.source.title)}, ${formatInZone(alert.changedAt, input.timezone)}`);
      const url = safeHttpUrl(alert.url);
      if (url) out.push(`  ${url}`);
      const what = oneLine(alert.whatChanged);
      if (what) out.push(`  ${what}`);
      for (const { sign, line } of diffExcerpt(alert)) out.push(`    ${sign} ${line}`);
      const more = moreDiffLines(alert);
      if (more > 0) out.push(`    (${more} more changed ${more === 1 ? 'line' : 'lines'})`);
      out.push('');
    }
  }
  if (input.factsheets.length > 0) {
    out.push('Factsheets that may need revising', '=================================', '');
    for (const sheet of input.factsheets) {
      const url = sheet.url ? safeHttpUrl(sheet.url) : null;
      out.push(`* ${oneLine(sheet.title)}${url ? `\n  ${url}` : ''}`);
    }
    out.push('');
  }
  out.push(footerText(footer));
  return out.join('\n');
}

function digestHtml(
  input: DigestRenderInput,
  groups: TopicGroup[],
  subject: string,
  footer: FooterInput,
): string {
  const out: string[] = [`<h1 style="${STYLE.h1}">${escapeHtml(subject)}</h1>`];
  for (const group of groups) {
    out.push(`<h2 style="${STYLE.h2}">${escapeHtml(oneLine(group.topic.title))}</h2>`);
    for (const alert of group.alerts) {
      out.push(`<h3 style="${STYLE.h3}">${htmlLink(alert.url, oneLine(alert.title) || '(untitled)')}</h3>`);
      out.push(
        `<p style="${STYLE.meta}">${escapeHtml(oneLine(alert.source.title))} · ${escapeHtml(formatInZone(alert.changedAt, input.timezone))}</p>`,
      );
      const what = oneLine(alert.whatChanged);
      if (what) out.push(`<p style="${STYLE.p}">${escapeHtml(what)}</p>`);
      const excerpt = diffExcerpt(alert);
      if (excerpt.length > 0) {
        const more = moreDiffLines(alert);
        const lines = excerpt.map(({ sign, line }) => escapeHtml(`${sign} ${line}`));
        if (more > 0) lines.push(escapeHtml(`(${more} more changed ${more === 1 ? 'line' : 'lines'})`));
        out.push(`<div style="${STYLE.diff}">${lines.join('<br>\n')}</div>`);
      }
    }
  }
  if (input.factsheets.length > 0) {
    out.push(`<h2 style="${STYLE.h2}">Factsheets that may need revising</h2>`, '<ul>');
    for (const sheet of input.factsheets) {
      out.push(`<li>${sheet.url ? htmlLink(sheet.url, sheet.title) : escapeHtml(oneLine(sheet.title))}</li>`);
    }
    out.push('</ul>');
  }
  out.push(footerHtml(footer));
  return htmlDocument(subject, out.join('\n'));
}
