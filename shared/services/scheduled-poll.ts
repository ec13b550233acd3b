/**
 * @module The scheduled poll on AWS: the due sources are polled here when they are few (at most
 * `polling.concurrency`) or when there is no queue; otherwise each is handed to the poll queue,
 * one message per source, so no single invocation has to fit every source in its time limit.
 */
import type { PollQueue } from '../domain/ports.ts';
import { allSources } from './cited-sources.ts';
import { dueSources, prepareListings, runPollCycle } from './poll.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ScheduledPollResult {
  queued: number;
  polled: number;
  alerts: number;
}

export async function runScheduledPoll(
  deps: ServiceDeps,
  queue: PollQueue | null,
): Promise<ScheduledPollResult> {
  await prepareListings(deps);
  const due = dueSources((await allSources(deps)).sources, await deps.store.sources.list(), deps.clock.now());
  if (due.length === 0) return { queued: 0, polled: 0, alerts: 0 };
  if (queue && due.length > deps.config.polling.concurrency) {
    await queue.enqueue(due.map((source) => source.id));
    deps.logger.log('info', 'poll fanned out', { sources: due.length });
    return { queued: due.length, polled: 0, alerts: 0 };
  }
  const report = await runPollCycle(deps, { sourceIds: due.map((source) => source.id) });
  if (report.alerts.length > 0) {
    // Loaded only when there is something to send: most scheduled polls find nothing new.
    const { runDigest } = await import('./digest.ts');
    await runDigest(deps, { frequency: 'immediate' });
  }
  return { queued: 0, polled: report.sources.length, alerts: report.alerts.length };
}
