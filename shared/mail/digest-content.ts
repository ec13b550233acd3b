/**
 * @module What the digest says, shared by its plain-text body (render-digest.ts) and its HTML
 * (digest-html.tsx): the heading, the contents list, the diff excerpt and the factsheets' lead.
 */
import type { TopicConfig } from '../config/schema.ts';
import type { Alert } from '../domain/types.ts';
import { oneLine, shorten } from './escape.ts';

/** Lines of a page diff shown per side: the link has the rest. */
const DIFF_EXCERPT_LINES = 5;
const DIFF_LINE_LENGTH = 200;

export interface TopicGroup {
  topic: Pick<TopicConfig, 'id' | 'title'>;
  alerts: Alert[];
}

/**
 * A factsheet an alert of this email puts in question; `changes` names each cited provision that
 * changed ("s. 81(5)(a) words substituted by …, in force …").
 */
export interface DigestFactsheet {
  title: string;
  url: string | null;
  changes?: readonly string[];
}

export const alertCount = (groups: readonly TopicGroup[]) =>
  groups.reduce((sum, group) => sum + group.alerts.length, 0);

/** The first lines of a page diff per side, removed then added, each cleaned to one line. */
export function diffExcerpt(alert: Alert): { removed: string[]; added: string[]; more: number } {
  if (!alert.diff) return { removed: [], added: [], more: 0 };
  const take = (lines: string[]) =>
    lines.slice(0, DIFF_EXCERPT_LINES).map((line) => shorten(oneLine(line), DIFF_LINE_LENGTH));
  const more =
    Math.max(0, alert.diff.added.length - DIFF_EXCERPT_LINES) +
    Math.max(0, alert.diff.removed.length - DIFF_EXCERPT_LINES);
  return { removed: take(alert.diff.removed), added: take(alert.diff.added), more };
}

export const moreLines = (more: number) =>
  `(${more} more changed ${more === 1 ? 'line' : 'lines'}: see the page)`;

/** `8 new alerts on the topics you follow`: the email's own heading (the subject names the sender). */
function heading(count: number): string {
  return `${count} new ${count === 1 ? 'alert' : 'alerts'} on the topics you follow`;
}

export const FACTSHEETS_HEADING = 'Factsheets that may need revising';
const FACTSHEETS_LEAD =
  'Alerts in this email are on the topics of these factsheets and came after their last review:';
const FACTSHEETS_CITED_LEAD =
  'Alerts in this email are on the topics of these factsheets, or change the legislation they cite, and came after their last review:';

/** What the email holds, for a quick scan: alerts per topic, then the factsheets. */
function contents(groups: readonly TopicGroup[], factsheets: readonly DigestFactsheet[]): string[] {
  if (groups.length < 2 && factsheets.length === 0) return [];
  return [
    ...groups.map((group) => `${oneLine(group.topic.title)}: ${group.alerts.length}`),
    ...(factsheets.length > 0 ? [`${FACTSHEETS_HEADING}: ${factsheets.length}`] : []),
  ];
}

function factsheetsLead(factsheets: readonly DigestFactsheet[]): string {
  return factsheets.some((sheet) => (sheet.changes ?? []).length > 0)
    ? FACTSHEETS_CITED_LEAD
    : FACTSHEETS_LEAD;
}

/** The words around the alerts, worked out once for both bodies. */
export interface DigestOutline {
  heading: string;
  /** Empty when there is one topic and no factsheet: nothing to scan. */
  contents: string[];
  factsheetsLead: string;
}

export function digestOutline(
  groups: readonly TopicGroup[],
  factsheets: readonly DigestFactsheet[],
): DigestOutline {
  return {
    heading: heading(alertCount(groups)),
    contents: contents(groups, factsheets),
    factsheetsLead: factsheetsLead(factsheets),
  };
}
