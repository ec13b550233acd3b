import { describe, expect, it } from 'vitest';
import type { StoredJudgement } from '#shared/domain/feedback.ts';
import type { AlertQuery } from '#shared/domain/ports.ts';
import { createApp } from '#shared/http/app.ts';
import type { ListingCacheOptions } from '#shared/http/listing-cache.ts';
import { createDynamoStore } from '#shared/store/index.ts';
import { makeAlert, NOW } from '../support/builders.ts';
import { bearer, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

/** An app over the test store whose listing cache keeps responses at once (no settle time). */
function cachingApp(options: ListingCacheOptions = {}) {
  const reads: AlertQuery[] = [];
  const list = t.deps.store.alerts.list.bind(t.deps.store.alerts);
  t.deps.store.alerts.list = (query) => {
    reads.push(query);
    return list(query);
  };
  const app = createApp(t.deps, { listingCache: { settleMs: 0, ...options } });
  return { app, reads };
}

async function seed(n: number, topics = ['localism-act']) {
  for (let i = 0; i < n; i++) {
    await t.store.alerts.create(
      makeAlert({ topics, detectedAt: new Date(Date.parse(NOW) - (n - i) * 60_000).toISOString() }),
    );
  }
}

describe('the alert listings are cached against the store generation', () => {
  it('answers a repeated request from the cache with the same body and ETag', async () => {
    await seed(3);
    const { app, reads } = cachingApp();
    const first = await app.request('/api/alerts');
    const second = await app.request('/api/alerts');
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('cache-control')).toBe('no-cache');
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reads).toHaveLength(1);
  });

  it('computes a missing response once for requests that arrive together', async () => {
    await seed(3);
    const { app, reads } = cachingApp();
    const bodies = await Promise.all(
      Array.from({ length: 5 }, async () => (await app.request('/api/alerts?limit=2')).text()),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(reads).toHaveLength(1);
  });

  it('answers If-None-Match with the current ETag by a 304 without a body', async () => {
    await seed(2);
    const { app } = cachingApp();
    for (const path of ['/api/alerts', '/api/topics/localism-act/alerts.atom']) {
      const etag = (await app.request(path)).headers.get('etag') ?? '';
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const res = await app.request(path, { headers: { 'If-None-Match': header } });
        expect(res.status, `${path} ${header}`).toBe(304);
        expect(res.headers.get('etag')).toBe(etag);
        expect(await res.text()).toBe('');
      }
      const stale = await app.request(path, { headers: { 'If-None-Match': '"not-the-current-one"' } });
      expect(stale.status).toBe(200);
    }
  });

  it('shows a new alert in the very next response, and changes the ETag', async () => {
    await seed(2);
    const { app } = cachingApp();
    const before = await app.request('/api/alerts');
    const etag = before.headers.get('etag') ?? '';
    const atomBefore = await (await app.request('/api/topics/localism-act/alerts.atom')).text();
    const fresh = makeAlert({ detectedAt: NOW, title: 'Just detected' });
    await t.store.alerts.create(fresh);
    const after = await app.request('/api/alerts', { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const body = (await after.json()) as { items: { id: string }[] };
    expect(body.items[0]?.id).toBe(fresh.id);
    expect(body.items).toHaveLength(3);
    const atomAfter = await (await app.request('/api/topics/localism-act/alerts.atom')).text();
    expect(atomBefore).not.toContain('Just detected');
    expect(atomAfter).toContain('Just detected');
  });

  it('sees alerts written by another process (another store on the same table)', async () => {
    await seed(1);
    const { app } = cachingApp();
    const count = async () =>
      ((await (await app.request('/api/alerts')).json()) as { items: unknown[] }).items.length;
    expect(await count()).toBe(1);
    expect(await count()).toBe(1);
    // A second store over the same table, as a `poll` beside a running `start` writes.
    const other = createDynamoStore(t.table);
    await other.alerts.createMany([makeAlert({ detectedAt: NOW })]);
    expect(await count()).toBe(2);
  });

  it('shows a judgement in the next response: `judged` in the listing, left out of the feed', async () => {
    await seed(2);
    const { app } = cachingApp();
    const listed = (await (await app.request('/api/alerts')).json()) as { items: { id: string }[] };
    const judgedId = listed.items[0]?.id ?? '';
    expect(await (await app.request('/api/topics/localism-act/alerts.atom')).text()).toContain(judgedId);
    const judged = await t.app.request(`/api/alerts/${judgedId}/feedback`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ topic: 'localism-act', relevant: false }),
    });
    expect(judged.status).toBe(201);
    const again = (await (await app.request('/api/alerts')).json()) as {
      items: { id: string; judged?: unknown }[];
    };
    expect(again.items[0]).toMatchObject({
      id: judgedId,
      judged: [{ topic: 'localism-act', relevant: false }],
    });
    expect(await (await app.request('/api/topics/localism-act/alerts.atom')).text()).not.toContain(judgedId);
  });

  it('keeps queries, topics and feeds apart', async () => {
    await seed(3, ['localism-act']);
    await seed(2, ['housing']);
    const { app } = cachingApp();
    const ids = async (path: string) =>
      ((await (await app.request(path)).json()) as { items: { id: string }[] }).items.map((item) => item.id);
    for (let round = 0; round < 2; round++) {
      expect(await ids('/api/alerts')).toHaveLength(5);
      expect(await ids('/api/alerts?limit=1')).toHaveLength(1);
      expect(await ids('/api/alerts?topic=housing')).toHaveLength(2);
      expect(await ids('/api/alerts?topic=localism-act')).toHaveLength(3);
      const housing = await (await app.request('/api/topics/housing/alerts.atom')).text();
      const localism = await (await app.request('/api/topics/localism-act/alerts.atom')).text();
      expect((housing.match(/<entry>/g) ?? []).length).toBe(2);
      expect((localism.match(/<entry>/g) ?? []).length).toBe(3);
    }
  });

  it('keeps the most recently used responses within its size budget', async () => {
    await seed(1);
    const size = (await (await t.app.request('/api/alerts')).text()).length;
    // Room for eight responses of this size; ten distinct queries (same body) are asked.
    const { app, reads } = cachingApp({ maxChars: 8 * size + size / 2 });
    const since = (day: number) => `/api/alerts?since=2026-01-${String(day).padStart(2, '0')}`;
    for (let day = 1; day <= 10; day++) await app.request(since(day));
    expect(reads).toHaveLength(10);
    await app.request(since(10));
    expect(reads).toHaveLength(10);
    await app.request(since(1));
    expect(reads).toHaveLength(11);
  });

  it('never keeps an error, nor a response computed just after a write (settle time)', async () => {
    await seed(1);
    const { app: caching, reads } = cachingApp();
    for (let i = 0; i < 2; i++) {
      expect((await caching.request('/api/alerts?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
      expect((await caching.request('/api/topics/nope/alerts.atom')).status).toBe(404);
    }
    // Every one of them read the listing (the unknown topic's feed looks for stored alerts).
    expect(reads).toHaveLength(4);
    // The default settle time: the alert above was written moments ago, so nothing is kept yet.
    const settling = createApp(t.deps);
    reads.length = 0;
    await settling.request('/api/alerts');
    await settling.request('/api/alerts');
    expect(reads).toHaveLength(2);
  });
});

describe('the listing generation', () => {
  it('changes after alerts are created, by any store on the table, and after a judgement', async () => {
    const before = await t.store.alerts.listingGeneration();
    expect(before).toEqual({ token: '', changedAt: 0 });
    await seed(1);
    const afterCreate = await t.store.alerts.listingGeneration();
    expect(afterCreate.token).not.toBe(before.token);
    expect(afterCreate.changedAt).toBeGreaterThan(0);
    await createDynamoStore(t.table).alerts.createMany([makeAlert()]);
    const afterMany = await t.store.alerts.listingGeneration();
    expect(afterMany.token).not.toBe(afterCreate.token);
    const judgement: StoredJudgement = {
      type: 'judgement',
      alertId: 'a-judged',
      topic: 'localism-act',
      relevant: true,
      at: NOW,
      terms: [],
    };
    expect(await t.store.feedback.judge(judgement)).toBe(true);
    const afterJudge = await t.store.alerts.listingGeneration();
    expect(afterJudge.token).not.toBe(afterMany.token);
    // A judgement older than the standing one changes nothing, so neither does the generation.
    expect(await t.store.feedback.judge({ ...judgement, at: '2026-01-01T00:00:00.000Z' })).toBe(false);
    expect((await t.store.alerts.listingGeneration()).token).toBe(afterJudge.token);
  });
});
