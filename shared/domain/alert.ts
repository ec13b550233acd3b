/**
 * @module Turning a detected change into an alert (docs/contract.md §3): deterministic ids, `changedAt`,
 * backfill windows and the Alert shape of docs/contract.md §6. Pure.
 */
import { createHash } from 'node:crypto';
import { durationMs } from '../config/schema.ts';
import { collapse } from './text.ts';
import type {
  Alert,
  AlertKind,
  LegislationEffect,
  LegislationRef,
  LineDiff,
  ParsedItem,
  TopicMatch,
} from './types.ts';

export const MAX_SUMMARY = 500;

/** Opaque, URL-safe and the same for the same (source, item, version): a re-run never duplicates. */
export function alertId(sourceId: string, itemKey: string, version: string): string {
  return createHash('sha256').update(`${sourceId}\n${itemKey}\n${version}`).digest('base64url').slice(0, 24);
}

/**
 * `changedAt` = the item's date (`updated`, else `published`), else `detectedAt`; an `updated`
 * alert (the item was alerted before) whose item date did not change uses `detectedAt`; dates
 * after `detectedAt` are clamped to it. A `new` alert keeps the item's own date even when an
 * earlier, unalerted version was recorded (docs/contract.md §3 scopes the exception to `updated` alerts).
 */
export function changedAtFor(input: {
  itemDate: string | null;
  previousItemDate: string | null | undefined;
  alertedBefore: boolean;
  detectedAt: string;
}): string {
  const { itemDate, detectedAt } = input;
  if (itemDate === null) return detectedAt;
  if (input.alertedBefore && input.previousItemDate === itemDate) return detectedAt;
  return Date.parse(itemDate) > Date.parse(detectedAt) ? detectedAt : new Date(itemDate).toISOString();
}

/** The item's own date: `updated`, else `published`. */
export function itemDate(item: ParsedItem): string | null {
  return item.updatedAt ?? item.publishedAt ?? null;
}

/**
 * On a source's first poll, whether a change gets an alert: `all` always, `none` never, a
 * duration when the item's `changedAt` falls inside that window before now (undated items and
 * whole pages are recorded without alerts). A date after now counts as now, as `changedAt`
 * clamps it: a feed whose clock runs ahead must not lose its newest items to backfill.
 */
export function backfillAllows(
  backfill: string,
  date: string | null,
  now: Date,
  wholePage: boolean,
): boolean {
  if (backfill === 'all') return true;
  if (backfill === 'none' || wholePage || date === null) return false;
  const time = Math.min(Date.parse(date), now.getTime());
  return time >= now.getTime() - durationMs(backfill);
}

export function alertKind(input: { pageRegion: boolean; alertedBefore: boolean }): AlertKind {
  if (input.pageRegion) return 'page-changed';
  return input.alertedBefore ? 'updated' : 'new';
}

// Controls and the bidi embeddings, overrides and isolates: fetched text carrying U+202E could
// make an alert title on the dashboard, in the API or in a feed reader read as something else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A fetched line without invisible characters (lines of a diff keep their own length limits). */
export function cleanLine(text: string): string {
  return text.replace(INVISIBLE, '');
}

function cleanEffect(effect: LegislationEffect): LegislationEffect {
  const ref = (value: LegislationRef | null) =>
    value && { ...value, title: value.title === null ? null : cleanLine(value.title) };
  const text = (value: string | null) => (value === null ? null : cleanLine(value));
  return {
    affected: ref(effect.affected),
    affecting: ref(effect.affecting),
    effect: text(effect.effect),
    provisions: { affected: text(effect.provisions.affected), affecting: text(effect.provisions.affecting) },
    inForce: effect.inForce.map((entry) => ({ date: entry.date, qualification: text(entry.qualification) })),
  };
}

export function truncate(text: string, max: number): string {
  const clean = collapse(text.replace(INVISIBLE, ''));
  if (clean.length <= max) return clean;
  let cut = clean.slice(0, max - 1);
  // Never leave half a surrogate pair (an emoji) at the cut.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

export function buildAlert(input: {
  id: string;
  kind: AlertKind;
  source: { id: string; title: string };
  item: ParsedItem;
  matched: TopicMatch[];
  /** Topic ids in config order, to order `topics` and `matched`. */
  topicOrder: readonly string[];
  whatChanged: string;
  changedAt: string;
  detectedAt: string;
  diff?: LineDiff;
}): Alert {
  const rank = (topic: string) => {
    const index = input.topicOrder.indexOf(topic);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const matched = [...input.matched].sort((a, b) => rank(a.topic) - rank(b.topic));
  const { item } = input;
  const summarySource =
    input.kind === 'page-changed' && input.diff ? input.diff.added.join(' ') : item.summary || item.content;
  const alert: Alert = {
    id: input.id,
    kind: input.kind,
    topics: matched.map((match) => match.topic),
    matched,
    source: input.source,
    title: truncate(item.title, 300) || input.source.title,
    url: item.url,
    summary: truncate(summarySource, MAX_SUMMARY),
    whatChanged: truncate(input.whatChanged, 300),
    publishedAt: item.publishedAt,
    changedAt: input.changedAt,
    detectedAt: input.detectedAt,
  };
  if (item.effect) alert.legislation = cleanEffect(item.effect);
  if (input.diff) {
    alert.diff = { added: input.diff.added.map(cleanLine), removed: input.diff.removed.map(cleanLine) };
  }
  return alert;
}
