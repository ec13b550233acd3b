/**
 * The scheduled poll's fan-out decision behind the `PollQueue` port: many due sources go to the
 * queue, one message each, and are not polled here; few (or no queue) are polled inline. The
 * queue is a hand-written fake typed as the port; the store is dynalite, one table per case.
 */

import { describe, expect, it } from 'vitest';
import type { PollQueue } from '#shared/domain/ports.ts';
import { runScheduledPoll } from '#shared/services/scheduled-poll.ts';
import { recordedFeedSources, recordedFeeds } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';

class FakePollQueue implements PollQueue {
  readonly queued: string[][] = [];
  constructor(private readonly refuse = false) {}
  async enqueue(sourceIds: readonly string[]): Promise<void> {
    if (this.refuse) throw new Error('queue refused the batch');
    this.queued.push([...sourceIds]);
  }
}

const db = useDynalite();
const server = useFixtureServer(recordedFeeds);

async function setup(concurrency: number) {
  const { store } = await db.newStore();
  const config = configFrom({
    organisation: { name: 'Test org', contact: 'policy@example.org' },
    sources: recordedFeedSources(server),
    topics: [{ id: 'data', title: 'Data protection', query: '"data protection" OR meters' }],
    digests: { from: 'alerts@example.org' },
    polling: { concurrency },
  });
  return { ...serviceDeps({ config, store, now: NOW }), store };
}

describe('runScheduledPoll', () => {
  it('hands more due sources than polling.concurrency to the queue, one id each, polling none', async () => {
    const { deps, store } = await setup(1);
    const queue = new FakePollQueue();
    expect(await runScheduledPoll(deps, queue)).toEqual({ queued: 2, polled: 0, alerts: 0 });
    expect(queue.queued.flat().sort()).toEqual(['bills', 'changes']);
    expect(await store.sources.list()).toEqual([]);
  });

  it('polls inline when the due sources fit polling.concurrency; the queue stays empty', async () => {
    const { deps } = await setup(2);
    const queue = new FakePollQueue();
    const result = await runScheduledPoll(deps, queue);
    expect(result).toMatchObject({ queued: 0, polled: 2 });
    expect(result.alerts).toBeGreaterThan(0);
    expect(queue.queued).toEqual([]);
  });

  it('polls inline without a queue, however many are due', async () => {
    const { deps } = await setup(1);
    expect(await runScheduledPoll(deps, null)).toMatchObject({ queued: 0, polled: 2 });
  });

  it('queues nothing when nothing is due', async () => {
    const { deps } = await setup(1);
    await runScheduledPoll(deps, null);
    const queue = new FakePollQueue();
    expect(await runScheduledPoll(deps, queue)).toEqual({ queued: 0, polled: 0, alerts: 0 });
    expect(queue.queued).toEqual([]);
  });

  it('fails the run when the queue refuses', async () => {
    const { deps } = await setup(1);
    await expect(runScheduledPoll(deps, new FakePollQueue(true))).rejects.toThrow('queue refused the batch');
  });
});
