/**
 * @module The sources citations add: every cited Act's "changes to legislation" feed is polled
 * as `cited-TYPE-YEAR-NUMBER` unless a configured `feed` source already reads that path (then
 * that source is the Act's reader). Readers alert every effect on a cited Act inside the window
 * after the earliest effective review of the factsheets citing it, topics or not.
 */
import type { Config, FactsheetConfig, SourceConfig } from '../config/schema.ts';
import { splitRef } from '../domain/provisions.ts';
import { reviewState } from '../domain/staleness.ts';
import type { FactsheetReview, PageCitations } from '../domain/types.ts';
import type { ServiceDeps } from './service-deps.ts';

/** A factsheet's current citations: config ones first (they win), then those read from its page. */
export interface SheetCitation {
  ref: string;
  from: 'config' | 'page';
  text?: string;
}

export function sheetCitations(sheet: FactsheetConfig, page: PageCitations | undefined): SheetCitation[] {
  const out = new Map<string, SheetCitation>();
  for (const ref of sheet.cites) if (!out.has(ref)) out.set(ref, { ref, from: 'config' });
  if (sheet.readCitations && page) {
    for (const found of page.citations) {
      if (!out.has(found.ref)) out.set(found.ref, { ref: found.ref, from: 'page', text: found.text });
    }
  }
  return [...out.values()];
}

/** Cited Act id → the factsheets citing it. */
export function citedActs(config: Config, pages: readonly PageCitations[]): Map<string, FactsheetConfig[]> {
  const byId = new Map(pages.map((page) => [page.factsheetId, page]));
  const acts = new Map<string, FactsheetConfig[]>();
  for (const sheet of config.factsheets) {
    const ids = new Set(
      sheetCitations(sheet, byId.get(sheet.id)).map((citation) => splitRef(citation.ref).act),
    );
    for (const id of ids) acts.set(id, [...(acts.get(id) ?? []), sheet]);
  }
  return acts;
}

export function changesPath(actId: string): string {
  return `/changes/affected/${actId}/data.feed`;
}

export function implicitSourceId(actId: string): string {
  return `cited-${actId.replaceAll('/', '-')}`;
}

function pathOf(url: string): string | null {
  try {
    return new URL(url).pathname.replace(/\/+$/, '').toLowerCase();
  } catch {
    return null;
  }
}

export interface CitedSources {
  /** Configured sources, then the implicit ones in cited-Act order. */
  sources: SourceConfig[];
  /** Source id → the cited Acts it reads. */
  readers: Map<string, Set<string>>;
  /** Ids of the implicit sources. */
  implicit: Set<string>;
}

/** Every source to poll, given the page citations read so far. Pure. */
export function citedSources(
  config: Config,
  pages: readonly PageCitations[],
  titles: ReadonlyMap<string, string> = new Map(),
): CitedSources {
  const readers = new Map<string, Set<string>>();
  const implicit = new Set<string>();
  const extra: SourceConfig[] = [];
  const base = config.legislation.baseUrl.replace(/\/+$/, '');
  const basePath = pathOf(base) ?? '';
  const taken = new Set(config.sources.map((source) => source.id));
  for (const actId of [...citedActs(config, pages).keys()].sort()) {
    const path = changesPath(actId);
    // The path alone decides (any host); under a baseUrl with a path, that prefix is allowed too.
    const configured = config.sources.find((source) => {
      const sourcePath = source.kind === 'feed' ? pathOf(source.url) : null;
      return sourcePath === path || (basePath !== '' && sourcePath === `${basePath}${path}`);
    });
    let id = configured?.id;
    if (id === undefined) {
      id = implicitSourceId(actId);
      if (taken.has(id)) continue;
      taken.add(id);
      implicit.add(id);
      const title = titles.get(actId);
      extra.push({
        id,
        title: `Changes to ${title ?? `legislation ${actId}`}`,
        kind: 'feed',
        url: `${base}${path}`,
        every: config.legislation.every,
        // The window is the citing factsheets' review (see citedWindows), not a duration.
        backfill: 'all',
        maxPages: 10,
        allowPrivateNetwork: config.legislation.allowPrivateNetwork,
      });
    }
    readers.set(id, new Set([...(readers.get(id) ?? []), actId]));
  }
  return { sources: [...config.sources, ...extra], readers, implicit };
}

/**
 * Cited Act → the start of its window (ms, exclusive): the earliest effective `reviewedAt` of
 * the factsheets citing it.
 */
export function citedWindows(
  config: Config,
  pages: readonly PageCitations[],
  reviews: ReadonlyMap<string, FactsheetReview[]>,
): Map<string, number> {
  const windows = new Map<string, number>();
  for (const [actId, sheets] of citedActs(config, pages)) {
    const from = Math.min(
      ...sheets.map(
        (sheet) => reviewState(sheet, reviews.get(sheet.id) ?? [], config.digests.timezone).effective,
      ),
    );
    windows.set(actId, from);
  }
  return windows;
}

/** Page citations from the store; a store failure here never stops a poll or a listing. */
export async function storedPageCitations(deps: ServiceDeps): Promise<PageCitations[]> {
  if (!deps.config.factsheets.some((sheet) => sheet.readCitations)) return [];
  try {
    return await deps.store.legislation.pageCitations();
  } catch (error) {
    deps.logger.log('warn', 'page citations unavailable', { error });
    return [];
  }
}

/** Act id → title from the stored contents (for implicit source titles). */
async function contentTitles(deps: ServiceDeps): Promise<Map<string, string>> {
  try {
    const all = await deps.store.legislation.allContents();
    return new Map(all.flatMap((c) => (c.title ? [[c.id, c.title] as [string, string]] : [])));
  } catch {
    return new Map();
  }
}

/** Every source this deployment polls: configured and implicit. */
export async function allSources(deps: ServiceDeps): Promise<CitedSources> {
  const cites = deps.config.factsheets.some((sheet) => sheet.cites.length > 0 || sheet.readCitations);
  if (!cites) return { sources: deps.config.sources, readers: new Map(), implicit: new Set() };
  const [pages, titles] = await Promise.all([storedPageCitations(deps), contentTitles(deps)]);
  return citedSources(deps.config, pages, titles);
}
