/**
 * @module Provision-level staleness: an alert is **cited evidence** for a factsheet when its
 * effect's affected provisions (ranges expanded) lie within one of the factsheet's citations,
 * under the same time rules as topic evidence. Evaluated when read, so a citation added later
 * covers alerts already stored. Also the one wording of a cited change, shared by the dashboard
 * and the digest: "s. 81(5)(a) words substituted by the Procurement Act 2023, in force 2025-02-24". Pure.
 */
import type { FactsheetConfig } from '../config/schema.ts';
import { type ContentsMap, effectProvisionPaths, provisionWithin, splitRef } from './provisions.ts';
import { inEvidenceWindow, type ReviewState } from './staleness.ts';
import type { Alert } from './types.ts';

export type Because =
  | { reason: 'cites'; citation: string; provision: string | null }
  | { reason: 'topic'; topics: string[] };

export type EvidenceAlert = Alert & { because: Because };
export type Severity = 'high' | 'normal' | null;

/** Act id → its containment map, or null while its contents are unknown. */
export type ContentsByAct = ReadonlyMap<string, ContentsMap | null>;

/** Whole Act < part < chapter < any section, schedule, regulation or article < their subdivisions. */
function specificity(path: string): number {
  if (path === '') return 0;
  const segments = path.split('/').length;
  return path.startsWith('part/') ? segments : 10 + segments;
}

/** The most specific citation containing one of the alert's affected provisions, or null. */
export function containingCitation(
  alert: Alert,
  refs: readonly string[],
  contents: ContentsByAct,
): string | null {
  const act = alert.legislation?.affected?.id.toLowerCase();
  if (!act) return null;
  const provisions = effectProvisionPaths(alert.legislation?.provisions.affected ?? null);
  let best: { ref: string; depth: number } | null = null;
  for (const ref of refs) {
    const citation = splitRef(ref);
    if (citation.act !== act) continue;
    const map = contents.get(act) ?? null;
    const holds =
      citation.path === '' || provisions.some((provision) => provisionWithin(provision, citation.path, map));
    const depth = specificity(citation.path);
    if (holds && (best === null || depth > best.depth)) best = { ref, depth };
  }
  return best?.ref ?? null;
}

export interface SheetEvidence {
  stale: boolean;
  staleSince: string | null;
  severity: Severity;
  /** Newest first: `changedAt`, then `detectedAt`, descending. */
  evidence: EvidenceAlert[];
}

/** Topic evidence and cited evidence together (an alert counts once; cited wins). */
export function sheetEvidence(
  alerts: readonly Alert[],
  sheet: FactsheetConfig,
  state: ReviewState,
  refs: readonly string[],
  contents: ContentsByAct,
): SheetEvidence {
  const seen = new Set<string>();
  const evidence: EvidenceAlert[] = [];
  for (const alert of alerts) {
    if (seen.has(alert.id) || !inEvidenceWindow(alert, state)) continue;
    seen.add(alert.id);
    const citation = containingCitation(alert, refs, contents);
    if (citation !== null) {
      const provision = alert.legislation?.provisions.affected ?? null;
      evidence.push({ ...alert, because: { reason: 'cites', citation, provision } });
      continue;
    }
    const topics = alert.topics.filter((topic) => sheet.topics.includes(topic));
    if (topics.length > 0) evidence.push({ ...alert, because: { reason: 'topic', topics } });
  }
  evidence.sort(
    (a, b) =>
      b.changedAt.localeCompare(a.changedAt) ||
      b.detectedAt.localeCompare(a.detectedAt) ||
      b.id.localeCompare(a.id),
  );
  const staleSince = evidence.reduce<string | null>(
    (min, alert) => (min === null || alert.changedAt < min ? alert.changedAt : min),
    null,
  );
  const severity: Severity =
    evidence.length === 0
      ? null
      : evidence.some((alert) => alert.because.reason === 'cites')
        ? 'high'
        : 'normal';
  return { stale: evidence.length > 0, staleSince, severity, evidence };
}

const RANK: Record<string, number> = { high: 0, normal: 1, none: 2 };

/** High first, then normal, then not stale; within a severity the earliest `staleSince` first. */
export function compareSheets(
  a: { severity: Severity; staleSince: string | null },
  b: { severity: Severity; staleSince: string | null },
): number {
  const rank = RANK[a.severity ?? 'none']! - RANK[b.severity ?? 'none']!;
  if (rank !== 0) return rank;
  if (a.staleSince === null || b.staleSince === null) return 0;
  return Date.parse(a.staleSince) - Date.parse(b.staleSince);
}

/** "the Procurement Act 2023"; an SI's title already starts with "The". */
function byTitle(title: string): string {
  return /^the\s/i.test(title) ? title : `the ${title}`;
}

/**
 * One line for a cited change: provision, effect, what made it, and when it is or comes into
 * force (`today` as YYYY-MM-DD in the service's time zone).
 */
export function citedChangeText(alert: Alert, today: string): string {
  const legislation = alert.legislation;
  const provision = legislation?.provisions.affected ?? legislation?.affected?.title ?? alert.title;
  const effect = legislation?.effect ?? 'changed';
  const affecting = legislation?.affecting?.title ?? legislation?.affecting?.id ?? null;
  const dates = (legislation?.inForce ?? [])
    .map((entry) => entry.date)
    .filter((date): date is string => date !== null)
    .sort();
  const inForce = dates.filter((date) => date <= today);
  let when: string;
  if (inForce.length > 0) when = `in force ${inForce[inForce.length - 1]}`;
  else if (dates.length > 0) when = `comes into force on ${dates[0]}`;
  else when = 'not yet in force';
  return `${provision} ${effect}${affecting ? ` by ${byTitle(affecting)}` : ''}, ${when}`;
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: "today" for in-force wording. */
export function localDate(instant: Date, zone: string): string {
  const formatted = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const parts: Record<string, string> = {};
  for (const part of formatted) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}
