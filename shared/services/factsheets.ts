/**
 * @module Factsheet review (docs/contract.md §3, §6): which factsheets are stale and why (their evidence), and
 * recording a review through the API. Evidence follows each factsheet's CURRENT config topics.
 */
import type { FactsheetConfig } from '../config/schema.ts';
import {
  type ContentsByAct,
  compareSheets,
  type EvidenceAlert,
  type Severity,
  sheetEvidence,
} from '../domain/cited-evidence.ts';
import { splitRef } from '../domain/provisions.ts';
import { evidenceDetectedFrom, reviewState } from '../domain/staleness.ts';
import { parseInstant } from '../domain/time.ts';
import type { FactsheetReview, PageCitations } from '../domain/types.ts';
import { citedSources, type SheetCitation, sheetCitations, storedPageCitations } from './cited-sources.ts';
import type { ServiceDeps } from './service-deps.ts';

/** At most this many evidence alerts are returned per factsheet (the count is exact). */
export const MAX_EVIDENCE = 100;
export const MAX_NOTE_LENGTH = 2000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A factsheet as `GET /api/factsheets` returns it. */
export interface FactsheetView {
  id: string;
  title: string;
  url: string | null;
  topics: string[];
  reviewedAt: string;
  citations: SheetCitation[];
  stale: boolean;
  staleSince: string | null;
  severity: Severity;
  evidenceCount: number;
  evidence: EvidenceAlert[];
  /** Reading the factsheet's own document (readCitations): when and how it last went. */
  citationsRead: { readAt: string | null; error: string | null } | null;
}

/** What every factsheet view needs about citations, read once per listing. */
interface CitationData {
  pages: Map<string, PageCitations>;
  contents: ContentsByAct;
  /** Act id → the sources reading its changes. */
  readersByAct: Map<string, string[]>;
}

async function citationData(deps: ServiceDeps): Promise<CitationData> {
  const cites = deps.config.factsheets.some((sheet) => sheet.cites.length > 0 || sheet.readCitations);
  if (!cites) return { pages: new Map(), contents: new Map(), readersByAct: new Map() };
  const pages = await storedPageCitations(deps);
  const stored = await deps.store.legislation.allContents();
  const contents = new Map(
    stored.map((act) => [act.id, act.containers ? new Map(Object.entries(act.containers)) : null] as const),
  );
  const readersByAct = new Map<string, string[]>();
  for (const [sourceId, acts] of citedSources(deps.config, pages).readers) {
    for (const act of acts) readersByAct.set(act, [...(readersByAct.get(act) ?? []), sourceId]);
  }
  return { pages: new Map(pages.map((page) => [page.factsheetId, page])), contents, readersByAct };
}

/**
 * docs/contract.md §6: `reviewedAt` keeps its form (a config date stays `YYYY-MM-DD`), but an instant is
 * output like every instant, in UTC with milliseconds, even when the config wrote it with an
 * offset or none (read in the config zone).
 */
export function reviewedAtOutput(display: string, zone: string): string {
  if (DATE_ONLY.test(display)) return display;
  return parseInstant(display.trim(), zone)?.toISOString() ?? display;
}

function earliestDetection(from: number): string {
  return new Date(Number.isFinite(from) ? from : 0).toISOString();
}

async function view(
  deps: ServiceDeps,
  sheet: FactsheetConfig,
  reviews: readonly FactsheetReview[],
  data: CitationData,
): Promise<FactsheetView> {
  const state = reviewState(sheet, reviews, deps.config.digests.timezone);
  const page = data.pages.get(sheet.id);
  const citations = sheetCitations(sheet, page);
  const from = earliestDetection(evidenceDetectedFrom(state));
  const readers = [
    ...new Set(citations.flatMap((citation) => data.readersByAct.get(splitRef(citation.ref).act) ?? [])),
  ];
  const [topical, cited] = await Promise.all([
    deps.store.alerts.listDetectedSince(sheet.topics, from),
    readers.length > 0 ? deps.store.alerts.listSourcesDetectedSince(readers, from) : Promise.resolve([]),
  ]);
  const result = sheetEvidence(
    [...topical, ...cited],
    sheet,
    state,
    citations.map((citation) => citation.ref),
    data.contents,
  );
  return {
    id: sheet.id,
    title: sheet.title,
    url: sheet.url ?? null,
    topics: [...sheet.topics],
    reviewedAt: reviewedAtOutput(state.display, deps.config.digests.timezone),
    citations,
    stale: result.stale,
    staleSince: result.staleSince,
    severity: result.severity,
    evidenceCount: result.evidence.length,
    evidence: result.evidence.slice(0, MAX_EVIDENCE),
    citationsRead: sheet.readCitations ? { readAt: page?.readAt ?? null, error: page?.error ?? null } : null,
  };
}

/**
 * Every configured factsheet: high severity first, then normal, then not stale; within a
 * severity the earliest `staleSince` first (config order breaks ties). Optionally only the stale
 * (or fresh) ones.
 */
export async function listFactsheets(
  deps: ServiceDeps,
  filter: { stale?: boolean } = {},
): Promise<FactsheetView[]> {
  const [reviews, data] = await Promise.all([deps.store.factsheets.allReviews(), citationData(deps)]);
  const views = await Promise.all(
    deps.config.factsheets.map((sheet) => view(deps, sheet, reviews.get(sheet.id) ?? [], data)),
  );
  views.sort(compareSheets);
  return filter.stale === undefined ? views : views.filter((sheet) => sheet.stale === filter.stale);
}

export async function getFactsheet(deps: ServiceDeps, id: string): Promise<FactsheetView | null> {
  const sheet = deps.config.factsheets.find((candidate) => candidate.id === id);
  if (!sheet) return null;
  return view(deps, sheet, await deps.store.factsheets.reviews(id), await citationData(deps));
}

export type ReviewResult =
  | { ok: true; factsheet: FactsheetView }
  | { ok: false; error: 'not_found'; message: string }
  | { ok: false; error: 'invalid'; path: 'reviewedAt' | 'note'; message: string }
  | { ok: false; error: 'conflict'; message: string; effective: string };

/**
 * Records a review. `reviewedAt` defaults to now; offset-less input is read in the config zone.
 * A future instant is refused (400), as is one earlier than the current effective review (409):
 * a review can only move the factsheet forward.
 */
export async function reviewFactsheet(
  deps: ServiceDeps,
  id: string,
  input: { reviewedAt?: string; note?: string } = {},
): Promise<ReviewResult> {
  const sheet = deps.config.factsheets.find((candidate) => candidate.id === id);
  if (!sheet) return { ok: false, error: 'not_found', message: `no factsheet "${id}"` };
  const zone = deps.config.digests.timezone;
  const now = deps.clock.now();
  let reviewedAt = now;
  if (input.reviewedAt !== undefined) {
    const text = input.reviewedAt.trim();
    const parsed = parseInstant(text, zone, { endOfDay: true });
    if (!parsed) {
      return { ok: false, error: 'invalid', path: 'reviewedAt', message: 'must be an ISO 8601 instant' };
    }
    // A date means the end of that day, as in the config; "today" means now, not tonight.
    const today = DATE_ONLY.test(text) && (parseInstant(text, zone)?.getTime() ?? Infinity) <= now.getTime();
    reviewedAt = today && parsed.getTime() > now.getTime() ? now : parsed;
  }
  if (reviewedAt.getTime() > now.getTime()) {
    return { ok: false, error: 'invalid', path: 'reviewedAt', message: 'must not be in the future' };
  }
  const note = input.note?.trim() ?? '';
  if (note.length > MAX_NOTE_LENGTH) {
    return {
      ok: false,
      error: 'invalid',
      path: 'note',
      message: `must be at most ${MAX_NOTE_LENGTH} characters`,
    };
  }
  const state = reviewState(sheet, await deps.store.factsheets.reviews(id), zone);
  if (reviewedAt.getTime() < state.effective) {
    const effective = new Date(state.effective).toISOString();
    return {
      ok: false,
      error: 'conflict',
      effective,
      message: `reviewedAt is earlier than the current review (${effective})`,
    };
  }
  await deps.store.factsheets.addReview(id, {
    reviewedAt: reviewedAt.toISOString(),
    note: note === '' ? null : note,
    at: now.toISOString(),
  });
  const factsheet = await getFactsheet(deps, id);
  return { ok: true, factsheet: factsheet! };
}
