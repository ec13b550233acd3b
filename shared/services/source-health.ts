/**
 * @module Source health: each configured source joined with its recorded poll state (nulls where
 * never polled), for `/api/health`, `/api/sources` and the staff dashboard.
 */
import { sourceTitle } from '../config/schema.ts';
import type { SourceKind, SourceState } from '../domain/types.ts';
import { allSources } from './cited-sources.ts';
import type { ServiceDeps } from './service-deps.ts';

/** `/api/health` reports `degraded` when a source has failed this many times in a row. */
export const DEGRADED_AFTER_FAILURES = 3;

/** A configured source with the poll-state fields `/api/sources` shows. */
export type SourceHealth = { id: string; title: string; kind: SourceKind; url: string } & Pick<
  SourceState,
  'lastPolledAt' | 'lastStatus' | 'httpStatus' | 'consecutiveFailures' | 'lastError'
>;

/** In config order, then cited Acts' implicit sources; `states` defaults to the store's. */
export async function sourceHealth(
  deps: ServiceDeps,
  states?: readonly SourceState[],
): Promise<SourceHealth[]> {
  const byId = new Map((states ?? (await deps.store.sources.list())).map((state) => [state.sourceId, state]));
  const { sources } = await allSources(deps);
  return sources.map((source) => {
    const state = byId.get(source.id);
    return {
      id: source.id,
      title: sourceTitle(source),
      kind: source.kind,
      url: source.url,
      lastPolledAt: state?.lastPolledAt ?? null,
      lastStatus: state?.lastStatus ?? null,
      httpStatus: state?.httpStatus ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      lastError: state?.lastError ?? null,
    };
  });
}
