/**
 * @module The digest email (docs/contract.md §7): subject, then alerts grouped by topic in config order
 * (an alert on several topics appears once, under the first), the factsheets they put in
 * question, and a footer saying why the person gets it. Pure; every fetched value escaped.
 */
import type { TopicConfig } from '../config/schema.ts';
import type { Alert, Frequency } from '../domain/types.ts';
import { escapeHtml, oneLine, safeHttpUrl, shorten } from './escape.ts';
import {
  type FooterInput,
  footerHtml,
  footerText,
  formatWhen,
  htmlDocument,
  htmlLink,
  STYLE,
} from './layout.ts';

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
  /**
   * Factsheets whose evidence includes an alert of this email, high severity first; `changes`
   * names each cited provision that changed ("s. 81(5)(a) words substituted by …, in force …").
   */
  factsheets: readonly { title: string; url: string | null; changes?: readonly string[] }[];
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
    // Topics since removed from the config are no longer followed in any useful sense.
    topicTitles: input.subscriber.topics.flatMap((id) => titleOf.get(id) ?? []),
    frequency: input.subscriber.frequency,
    manageUrl: input.links.manage,
    unsubscribeUrl: input.links.unsubscribe,
  };
  return {
    subject,
    text: digestText(input, groups, footer),
    html: digestHtml(input, groups, subject, footer),
  };
}

/** The first lines of a page diff per side, removed then added, each cleaned to one line. */
function diffExcerpt(alert: Alert): { removed: string[]; added: string[]; more: number } {
  if (!alert.diff) return { removed: [], added: [], more: 0 };
  const take = (lines: string[]) =>
    lines.slice(0, DIFF_EXCERPT_LINES).map((line) => shorten(oneLine(line), DIFF_LINE_LENGTH));
  const more =
    Math.max(0, alert.diff.added.length - DIFF_EXCERPT_LINES) +
    Math.max(0, alert.diff.removed.length - DIFF_EXCERPT_LINES);
  return { removed: take(alert.diff.removed), added: take(alert.diff.added), more };
}

const moreLines = (more: number) => `(${more} more changed ${more === 1 ? 'line' : 'lines'}: see the page)`;

/** `8 new alerts on the topics you follow`: the email's own heading (the subject names the sender). */
function heading(count: number): string {
  return `${count} new ${count === 1 ? 'alert' : 'alerts'} on the topics you follow`;
}

/** What the email holds, for a quick scan: alerts per topic, then the factsheets. */
function contents(input: DigestRenderInput, groups: TopicGroup[]): string[] {
  if (groups.length < 2 && input.factsheets.length === 0) return [];
  return [
    ...groups.map((group) => `${oneLine(group.topic.title)}: ${group.alerts.length}`),
    ...(input.factsheets.length > 0 ? [`${FACTSHEETS_HEADING}: ${input.factsheets.length}`] : []),
  ];
}

const FACTSHEETS_HEADING = 'Factsheets that may need revising';
const FACTSHEETS_LEAD =
  'Alerts in this email are on the topics of these factsheets and came after their last review:';
const FACTSHEETS_CITED_LEAD =
  'Alerts in this email are on the topics of these factsheets, or change the legislation they cite, and came after their last review:';

function factsheetsLead(input: DigestRenderInput): string {
  return input.factsheets.some((sheet) => (sheet.changes ?? []).length > 0)
    ? FACTSHEETS_CITED_LEAD
    : FACTSHEETS_LEAD;
}

function digestText(input: DigestRenderInput, groups: TopicGroup[], footer: FooterInput): string {
  const count = groups.reduce((sum, group) => sum + group.alerts.length, 0);
  const out: string[] = [heading(count), ''];
  const toc = contents(input, groups);
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
    out.push(FACTSHEETS_HEADING, '='.repeat(FACTSHEETS_HEADING.length), '', factsheetsLead(input), '');
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

function diffHtml(alert: Alert): string | null {
  const { removed, added, more } = diffExcerpt(alert);
  if (removed.length + added.length === 0) return null;
  // One block element per line: no reliance on white-space styles, which some clients drop.
  const block = (label: string, lines: string[], style: string) =>
    lines.length === 0
      ? []
      : [
          `<p style="${STYLE.diffLabel}">${label}</p>`,
          ...lines.map((line) => `<p style="${style}">${escapeHtml(line)}</p>`),
        ];
  return [
    `<div style="${STYLE.diff}">`,
    ...block('Removed', removed, STYLE.diffRemoved),
    ...block('Added', added, STYLE.diffAdded),
    ...(more > 0 ? [`<p style="${STYLE.diffLabel}">${escapeHtml(moreLines(more))}</p>`] : []),
    '</div>',
  ].join('\n');
}

function digestHtml(
  input: DigestRenderInput,
  groups: TopicGroup[],
  subject: string,
  footer: FooterInput,
): string {
  const count = groups.reduce((sum, group) => sum + group.alerts.length, 0);
  const out: string[] = [
    `<p style="${STYLE.meta}">${escapeHtml(oneLine(input.organisation.name))} · policy alerts</p>`,
    `<h1 style="${STYLE.h1}">${escapeHtml(heading(count))}</h1>`,
  ];
  const toc = contents(input, groups);
  if (toc.length > 0) {
    out.push(`<p style="${STYLE.p}">In this email:</p>`, `<ul style="${STYLE.list}">`);
    for (const line of toc) out.push(`<li>${escapeHtml(line)}</li>`);
    out.push('</ul>');
  }
  for (const group of groups) {
    out.push(`<h2 style="${STYLE.h2}">${escapeHtml(oneLine(group.topic.title))}</h2>`);
    for (const alert of group.alerts) {
      out.push(`<h3 style="${STYLE.h3}">${htmlLink(alert.url, oneLine(alert.title) || '(untitled)')}</h3>`);
      out.push(
        `<p style="${STYLE.meta}">${escapeHtml(oneLine(alert.source.title))} · ${escapeHtml(formatWhen(alert.changedAt, input.timezone))}</p>`,
      );
      const what = oneLine(alert.whatChanged);
      if (what) out.push(`<p style="${STYLE.p}">${escapeHtml(what)}</p>`);
      const diff = diffHtml(alert);
      if (diff) out.push(diff);
    }
  }
  if (input.factsheets.length > 0) {
    out.push(
      `<h2 style="${STYLE.h2}">${FACTSHEETS_HEADING}</h2>`,
      `<p style="${STYLE.p}">${escapeHtml(factsheetsLead(input))}</p>`,
      `<ul style="${STYLE.list}">`,
    );
    for (const sheet of input.factsheets) {
      const title = sheet.url ? htmlLink(sheet.url, sheet.title) : escapeHtml(oneLine(sheet.title));
      const changes = (sheet.changes ?? []).map(
        (change) => `<li>Changed: ${escapeHtml(oneLine(change))}</li>`,
      );
      out.push(changes.length > 0 ? `<li>${title}<ul>${changes.join('')}</ul></li>` : `<li>${title}</li>`);
    }
    out.push('</ul>');
  }
  out.push(footerHtml(footer));
  return htmlDocument(subject, out.join('\n'));
}
