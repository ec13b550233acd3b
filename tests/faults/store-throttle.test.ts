/**
 * Fault: the store throttles or fails mid-cycle. Intermittent throttling is absorbed by the SDK's
 * retries (with backoff); an outage that outlasts them fails the affected sources with the
 * store's reason, and the next cycle completes them: every alert exactly once, nothing lost.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#shared/domain/ports.ts';
import { type PollReport, runPollCycle } from '#shared/services/poll.ts';
import { queryAll } from '#shared/store/batch.ts';
import { createDocumentClient, createDynamoStore } from '#shared/store/index.ts';
import { topicPartition } from '#shared/store/keys.ts';
import { makeConfig, servedFeedEntry, topicEntry } from '../support/builders.ts';
import type { createTestStore } from '../support/dynalite.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { serviceDeps } from '../support/service-deps.ts';
import { type ProxyAction, type StoreProxy, startStoreProxy } from '../support/store-proxy.ts';

const ITEMS = 16;
let proxy: StoreProxy;

const feed = (name: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${name}</title>${Array.from(
    { length: ITEMS },
    (_, i) =>
      `<item><guid>${name}-${i}</guid><title>Localism ${name} ${i}${i % 2 ? ' housing' : ''}</title>` +
      `<link>https://example.org/${name}/${i}</link><pubDate>Thu, 01 Oct 2026 0${i % 10}:00:00 GMT</pubDate></item>`,
  ).join('')}</channel></rss>`;

const db = useDynalite();
const server = useFixtureServer({
  '/a.rss': { body: feed('a'), contentType: 'application/rss+xml' },
  '/b.rss': { body: feed('b'), contentType: 'application/rss+xml' },
});
beforeAll(async () => {
  proxy = await startStoreProxy(db.endpoint);
});

afterAll(async () => {
  await proxy?.close();
});

const config = () =>
  makeConfig({
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: ['a', 'b'].map((id) => servedFeedEntry(id, server.url(`/${id}.rss`))),
    topics: [topicEntry('localism'), topicEntry('housing', { query: 'housing' })],
  });

/** A store whose requests go through the proxy, retrying as production does but fewer times. */
async function throughProxy(): Promise<{
  store: Store;
  direct: Awaited<ReturnType<typeof createTestStore>>;
}> {
  const direct = await db.newStore();
  const client = createDocumentClient({ endpoint: proxy.endpoint, region: 'eu-west-2', maxAttempts: 4 });
  return { store: createDynamoStore({ client, tableName: direct.tableName }), direct };
}

async function poll(store: Store, now: string): Promise<PollReport> {
  return runPollCycle(serviceDeps({ config: config(), store, now }).deps);
}

async function expectEveryAlertOnce(direct: Awaited<ReturnType<typeof createTestStore>>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await direct.store.alerts.list({ limit: 100, cursor });
    ids.push(...page.items.map((alert) => alert.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toHaveLength(2 * ITEMS);
  const copies = async (topic: string) =>
    (
      await queryAll(direct, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': topicPartition(topic) },
      })
    ).length;
  expect(await copies('localism')).toBe(2 * ITEMS);
  expect(await copies('housing')).toBe(2 * Math.floor(ITEMS / 2));
}

describe('store throttling and outages mid-cycle', () => {
  it('absorbs intermittent throttling and 5xx with retries: nothing fails', async () => {
    const { store, direct } = await throughProxy();
    // Only first attempts fail, so every request's retries get through (the SDK retries them).
    // How many requests a cycle makes depends on how its sources' item batches coalesce, so
    // the pattern hits both faults within the first dozen requests, whatever the total.
    proxy.reset(({ n, attempt }) =>
      attempt > 0 ? 'pass' : n % 5 === 1 ? 'throttle' : n % 7 === 3 ? 'fail' : 'pass',
    );
    const report = await poll(store, '2026-10-01T12:00:00.000Z');
    expect(report.sources.map((source) => source.status)).toEqual(['changed', 'changed']);
    expect(proxy.counts.throttle).toBeGreaterThanOrEqual(3);
    expect(proxy.counts.fail).toBeGreaterThanOrEqual(2);
    proxy.reset(() => 'pass');
    await expectEveryAlertOnce(direct);
  });

  it.each<[number, ProxyAction]>([
    [10, 'throttle'],
    [25, 'fail'],
    [40, 'throttle'],
  ])(
    'an outage from request %i (%s) fails sources precisely; the next cycle completes them',
    async (from, action) => {
      const { store, direct } = await throughProxy();
      proxy.reset(({ n }) => (n >= from ? action : 'pass'));
      const first = await poll(store, '2026-10-01T12:00:00.000Z');
      const failed = first.sources.filter((source) => source.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      const reason =
        action === 'throttle'
          ? /store error \(ThrottlingException, HTTP 400, after 4 attempts\): Rate of requests exceeds/
          : /store error \(InternalServerError, HTTP 500, after 4 attempts\): Internal server error/;
      for (const source of failed) expect(source.error).toMatch(reason);

      proxy.reset(() => 'pass');
      // The next cycle, an hour later (a later detectedAt must not duplicate anything).
      const second = await poll(store, '2026-10-01T13:00:00.000Z');
      expect(second.sources.map((source) => source.status)).not.toContain('failed');
      await expectEveryAlertOnce(direct);
      const third = await poll(store, '2026-10-01T14:00:00.000Z');
      expect(third.alerts).toEqual([]);
    },
  );
});
