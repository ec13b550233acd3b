/**
 * @module One poll cycle (docs/contract.md §3, §4): the sources asked for (or the due ones) are polled
 * concurrently with a bound; one slow or failing source never delays or breaks the others.
 */
import { durationMs, type SourceConfig } from '../config/schema.ts';
import { compileTopics } from '../domain/match.ts';
import type { SourceState } from '../domain/types.ts';
import { forEachLimited } from '../system/pool.ts';
import { sharedAlertWrites } from './alert-batches.ts';
import { allSources, type CitedSources, citedWindows, storedPageCitations } from './cited-sources.ts';
import { sharedItemBatches } from './item-batches.ts';
import {
  type CitedContext,
  createPollContext,
  type PollContext,
  pollOne,
  type SourcePollResult,
} from './poll-source.ts';
import type { ServiceDeps } from './service-deps.ts';
import { escalateSourceHealth } from './source-escalation.ts';
import { errorMessage } from './source-state.ts';

export type { SourcePollResult } from './poll-source.ts';

/** Exactly the `poll --json` document of docs/contract.md §4. */
export interface PollReport {
  sources: SourcePollResult[];
  alerts: string[];
  durationMs: number;
}

export interface PollOptions {
  /** Poll only these ids (unknown ids are the caller's error to report). */
  sourceIds?: readonly string[];
  /** Poll only sources whose `lastPolledAt + every` has passed (the scheduler's tick). */
  dueOnly?: boolean;
  onSourceStart?: (sourceId: string) => void;
  onSourceDone?: (result: SourcePollResult) => void;
}

export class UnknownSourceError extends Error {
  constructor(readonly ids: string[]) {
    super(`unknown source${ids.length > 1 ? 's' : ''}: ${ids.join(', ')}`);
    this.name = 'UnknownSourceError';
  }
}

export async function runPollCycle(deps: ServiceDeps, options: PollOptions = {}): Promise<PollReport> {
  const started = deps.clock.now().getTime();
  let cited = await allSources(deps);
  if (citesAnything(deps) && touchesCited(cited, options)) {
    // Factsheet documents and contents first: a newly read citation adds its Act's feed now.
    // Loaded only here: a config that cites nothing never loads the document readers.
    const { refreshCitations } = await import('./citation-refresh.ts');
    await refreshCitations(deps);
    cited = await allSources(deps);
  }
  // One read of every source state for the cycle instead of one per source, made while the
  // listings are checked (neither reads what the other writes; prepareListings never throws).
  const [states] = await Promise.all([deps.store.sources.list(), prepareListings(deps)]);
  const sources = selectSources(cited, options, states, deps.clock.now());
  const writer = stateWriter(deps);
  const context: PollContext = {
    ...newContext(deps, await citedContext(deps, cited)),
    states: new Map(states.map((state) => [state.sourceId, state])),
    saveState: writer.save,
    items: sharedItemBatches(deps.store.items, deps.config.polling.concurrency),
    alerts: sharedAlertWrites(deps.store.alerts, deps.config.polling.concurrency),
  };
  const results = new Map<string, SourcePollResult>();
  const alerts: string[] = [];
  await forEachLimited(sources, deps.config.polling.concurrency, async (source) => {
    options.onSourceStart?.(source.id);
    const outcome = await pollGuarded(deps, source, context);
    results.set(source.id, outcome.result);
    alerts.push(...outcome.alertIds);
    options.onSourceDone?.(outcome.result);
  });
  await writer.flush();
  await escalateSourceHealth(
    deps,
    sources.map((source) => source.id),
  );
  const log = deps.logger;
  const report: PollReport = {
    sources: sources.map((source) => results.get(source.id)!),
    alerts,
    durationMs: Math.max(0, deps.clock.now().getTime() - started),
  };
  log.log('info', 'poll cycle done', {
    sources: report.sources.length,
    failed: report.sources.filter((source) => source.status === 'failed').length,
    alerts: alerts.length,
    durationMs: report.durationMs,
  });
  return report;
}

/** One-off store upgrades for the listings; a failure only keeps them on the slower path. */
export async function prepareListings(deps: ServiceDeps): Promise<void> {
  try {
    await deps.store.alerts.prepareListings();
  } catch (error) {
    deps.logger.log('warn', 'alert listing index not prepared; will retry next cycle', { error });
  }
}

/** Polls one source (the fan-out worker's unit of work). */
export async function pollSource(
  deps: ServiceDeps,
  sourceId: string,
): Promise<{ result: SourcePollResult; alertIds: string[] }> {
  const cited = await allSources(deps);
  const source = cited.sources.find((candidate) => candidate.id === sourceId);
  if (!source) throw new UnknownSourceError([sourceId]);
  const outcome = await pollGuarded(deps, source, newContext(deps, await citedContext(deps, cited)));
  await escalateSourceHealth(deps, [source.id]);
  return outcome;
}

function citesAnything(deps: ServiceDeps): boolean {
  return deps.config.factsheets.some((sheet) => sheet.cites.length > 0 || sheet.readCitations);
}

/** Whether this cycle reads a cited Act's feed (or may: a full cycle). */
function touchesCited(cited: CitedSources, options: PollOptions): boolean {
  if (!options.sourceIds || options.sourceIds.length === 0) return true;
  return options.sourceIds.some((id) => cited.readers.has(id) || id.startsWith('cited-'));
}

async function citedContext(deps: ServiceDeps, cited: CitedSources): Promise<CitedContext | undefined> {
  if (cited.readers.size === 0) return undefined;
  const [pages, reviews] = await Promise.all([storedPageCitations(deps), deps.store.factsheets.allReviews()]);
  return {
    readers: cited.readers,
    implicit: cited.implicit,
    windows: citedWindows(deps.config, pages, reviews),
  };
}

/** The sources whose `lastPolledAt + every` has passed, never-polled and URL-changed ones included. */
export function dueSources(
  sources: readonly SourceConfig[],
  states: readonly SourceState[],
  now: Date,
): SourceConfig[] {
  const byId = new Map(states.map((state) => [state.sourceId, state]));
  return sources.filter((source) => {
    const state = byId.get(source.id);
    if (!state?.lastPolledAt || state.url !== source.url) return true;
    return Date.parse(state.lastPolledAt) + durationMs(source.every) <= now.getTime();
  });
}

function selectSources(
  cited: CitedSources,
  options: PollOptions,
  states: readonly SourceState[],
  now: Date,
): SourceConfig[] {
  let sources = cited.sources;
  if (options.sourceIds && options.sourceIds.length > 0) {
    const known = new Set(sources.map((source) => source.id));
    const unknown = options.sourceIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UnknownSourceError(unknown);
    const wanted = new Set(options.sourceIds);
    sources = sources.filter((source) => wanted.has(source.id));
  }
  if (options.dueOnly) sources = dueSources(sources, states, now);
  return sources;
}

const STATE_BATCH = 25;

/**
 * Source states written in batches as sources finish (and the rest when the cycle ends). A
 * state still waits for its source's alerts and versions; if a batch cannot be written, those
 * sources keep their previous validators and are simply fetched and compared again next time.
 */
function stateWriter(deps: ServiceDeps) {
  let pending: SourceState[] = [];
  const writes: Promise<void>[] = [];
  const write = (batch: SourceState[]) =>
    deps.store.sources.putMany(batch).catch((error: unknown) => {
      deps.logger.log('error', 'source states not recorded', {
        sourceIds: batch.map((state) => state.sourceId),
        error,
      });
    });
  return {
    save: async (state: SourceState) => {
      pending.push(state);
      if (pending.length >= STATE_BATCH) {
        writes.push(write(pending));
        pending = [];
      }
    },
    async flush() {
      if (pending.length > 0) writes.push(write(pending));
      pending = [];
      await Promise.all(writes);
    },
  };
}

function newContext(deps: ServiceDeps, cited?: CitedContext): PollContext {
  const topics = deps.config.topics;
  return createPollContext(
    compileTopics(topics),
    topics.map((topic) => topic.id),
    cited,
  );
}

/** Whatever goes wrong with one source (even the store) is that source's failure alone. */
async function pollGuarded(deps: ServiceDeps, source: SourceConfig, context: PollContext) {
  try {
    return await pollOne(deps, source, context);
  } catch (error) {
    const message = errorMessage(error);
    deps.logger.log('error', 'source poll crashed', { sourceId: source.id, error });
    const result: SourcePollResult = {
      id: source.id,
      status: 'failed',
      httpStatus: null,
      items: 0,
      newItems: 0,
      updatedItems: 0,
      alerts: 0,
      error: message,
    };
    return { result, alertIds: [] as string[] };
  }
}
