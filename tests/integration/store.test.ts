import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Store } from '#shared/domain/ports.ts';
import type { SourceState, StoredItem, Subscriber } from '#shared/domain/types.ts';
import { createDynamoStore, ensureTable } from '#shared/store/index.ts';
import { itemKey } from '#shared/store/keys.ts';
import { makeSourceState } from '../support/builders.ts';
import { useDynalite } from '../support/hooks.ts';

let store: Store;
const db = useDynalite();
beforeAll(async () => {
  ({ store } = await db.newStore());
});

const NOW = '2026-03-01T12:00:00.000Z';

/** What a digest run does before sending: read the address's state, claim `ids` against it. */
async function claimAgainstRead(
  s: Store,
  email: string,
  ids: string[],
  claimedAt: string,
  staleBefore: string,
): Promise<boolean> {
  const read = (await s.deliveries.deliveryStates([{ email, alertIds: ids }], staleBefore)).get(email);
  if (!read || ids.some((id) => read.done.has(id))) return false;
  return s.deliveries.claim(
    email,
    read,
    { token: `${email} ${claimedAt}`, claimedAt, alertIds: ids },
    staleBefore,
  );
}

describe('table', () => {
  test('ensureTable is idempotent and ping passes on an ACTIVE table', async () => {
    const { tableName } = await db.newStore();
    await ensureTable(db.client, tableName);
    const out = await db.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(out.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    await expect(createDynamoStore({ client: db.client, tableName }).ping()).resolves.toBeUndefined();
  });

  test('ping fails when the table is missing', async () => {
    await expect(createDynamoStore({ client: db.client, tableName: 'absent' }).ping()).rejects.toThrow();
  });
});

describe('sources', () => {
  const state = (id: string, over: Partial<SourceState> = {}) => makeSourceState({ sourceId: id, ...over });

  test('put, get, list', async () => {
    expect(await store.sources.get('src-b')).toBeNull();
    await store.sources.put(state('src-b'));
    await store.sources.put(
      state('src-a', { lastStatus: 'failed', consecutiveFailures: 3, lastError: 'boom' }),
    );
    await store.sources.put(state('src-b', { lastStatus: 'changed', httpStatus: 200, etag: '"x"' }));
    expect(await store.sources.get('src-b')).toEqual(
      state('src-b', { lastStatus: 'changed', httpStatus: 200, etag: '"x"' }),
    );
    expect((await store.sources.list()).map((s) => [s.sourceId, s.lastStatus])).toEqual([
      ['src-a', 'failed'],
      ['src-b', 'changed'],
    ]);
  });
});

describe('items', () => {
  const item = (key: string, version = 'v1'): StoredItem => ({
    sourceId: 'feed',
    key,
    version,
    itemDate: null,
    alerted: false,
    firstSeenAt: NOW,
    lastSeenAt: NOW,
  });

  test('putMany and getMany across batch limits (25 writes, 100 reads)', async () => {
    const items = Array.from({ length: 230 }, (_, i) => item(`https://example.org/item/${i}`));
    items.push({ ...item('page'), lines: ['a', 'b'], alerted: true, itemDate: NOW });
    items.push(item(`https://example.org/${'long/'.repeat(300)}`));
    await store.items.putMany(items);
    const keys = [...items.map((i) => i.key), 'missing', items[0]?.key ?? ''];
    const found = await store.items.getMany('feed', keys);
    expect(found.size).toBe(items.length);
    for (const expected of items) expect(found.get(expected.key)).toEqual(expected);
    expect(await store.items.getMany('other-source', [items[0]?.key ?? ''])).toEqual(new Map());
  });

  test('getAcross reads several sources’ items at once, each with its source', async () => {
    const other = { ...item('https://example.org/shared'), sourceId: 'other-source', version: 'v9' };
    await store.items.putMany([item('https://example.org/shared'), other]);
    const found = await store.items.getAcross([
      { sourceId: 'feed', key: 'https://example.org/shared' },
      { sourceId: 'other-source', key: 'https://example.org/shared' },
      { sourceId: 'nobody', key: 'https://example.org/shared' },
    ]);
    expect(found.map((stored) => [stored.sourceId, stored.version]).sort()).toEqual([
      ['feed', 'v1'],
      ['other-source', 'v9'],
    ]);
  });

  test.each<[string, string[]]>([
    ['several lines', ['Local Strategic Partnerships', 'Section 1 — “general power”', 'café, naïve, 日本']],
    ['one line', ['only']],
    ['no lines (an emptied region)', []],
  ])("a page's lines are stored as one string and read back as lines: %s", async (_name, lines) => {
    const { store: own, client, tableName } = await db.newStore();
    await own.items.putMany([{ ...item('page'), lines }]);
    const raw = await client.send(new GetCommand({ TableName: tableName, Key: itemKey('feed', 'page') }));
    expect(raw.Item?.linesText).toBe(lines.join('\n'));
    expect(raw.Item?.lines).toBeUndefined();
    expect((await own.items.getMany('feed', ['page'])).get('page')).toEqual({ ...item('page'), lines });
  });

  test('a record written with a lines list (before linesText) reads the same', async () => {
    const { store: own, client, tableName } = await db.newStore();
    await own.items.putMany([item('page')]);
    const key = itemKey('feed', 'page');
    const raw = await client.send(new GetCommand({ TableName: tableName, Key: key }));
    await client.send(new PutCommand({ TableName: tableName, Item: { ...raw.Item, lines: ['a', 'b'] } }));
    expect((await own.items.getMany('feed', ['page'])).get('page')).toEqual({
      ...item('page'),
      lines: ['a', 'b'],
    });
  });

  test('putMany with the same key twice keeps the last', async () => {
    await store.items.putMany([item('dup', 'v1'), item('dup', 'v2')]);
    expect((await store.items.getMany('feed', ['dup'])).get('dup')?.version).toBe('v2');
    await store.items.putMany([]);
  });
});

describe('factsheets', () => {
  test('reviews per factsheet oldest first, and all reviews', async () => {
    await store.factsheets.addReview('lsp', { reviewedAt: '2026-02-01T00:00:00.000Z', note: 'b', at: NOW });
    await store.factsheets.addReview('lsp', {
      reviewedAt: '2026-01-01T00:00:00.000Z',
      note: null,
      at: '2026-01-05T00:00:00.000Z',
    });
    await store.factsheets.addReview('lsp', { reviewedAt: NOW, note: 'same instant', at: NOW });
    await store.factsheets.addReview('other', { reviewedAt: NOW, note: null, at: NOW });
    const lsp = await store.factsheets.reviews('lsp');
    expect(lsp).toHaveLength(3);
    // Two reviews recorded in the same millisecond are both kept.
    expect(new Set(lsp.slice(1).map((r) => r.note))).toEqual(new Set(['b', 'same instant']));
    expect(lsp[0]).toEqual({
      reviewedAt: '2026-01-01T00:00:00.000Z',
      note: null,
      at: '2026-01-05T00:00:00.000Z',
    });
    expect(await store.factsheets.reviews('none')).toEqual([]);
    const all = await store.factsheets.allReviews();
    expect([...all.keys()].sort()).toEqual(['lsp', 'other']);
    expect(all.get('lsp')).toEqual(lsp);
  });
});

const subscriber = (email: string, over: Partial<Subscriber> = {}): Subscriber => ({
  email,
  topics: ['t1'],
  frequency: 'daily',
  status: 'confirmed',
  createdAt: NOW,
  confirmedAt: NOW,
  version: 1,
  updatedAt: NOW,
  ...over,
});

describe('subscribers', () => {
  test('create once, get, list, listConfirmed by frequency', async () => {
    const { store } = await db.newStore();
    expect(await store.subscribers.create(subscriber('a@example.org'))).toBe(true);
    expect(await store.subscribers.create(subscriber('a@example.org', { topics: ['x'] }))).toBe(false);
    await store.subscribers.create(subscriber('b@example.org', { frequency: 'weekly' }));
    await store.subscribers.create(subscriber('c@example.org', { status: 'pending', confirmedAt: null }));
    await store.subscribers.create(
      subscriber('d@example.org', { pending: { topics: ['t2'], frequency: 'immediate', requestedAt: NOW } }),
    );
    expect((await store.subscribers.get('a@example.org'))?.topics).toEqual(['t1']);
    expect(await store.subscribers.get('nobody@example.org')).toBeNull();
    expect((await store.subscribers.list()).map((s) => s.email)).toEqual([
      'a@example.org',
      'b@example.org',
      'c@example.org',
      'd@example.org',
    ]);
    expect((await store.subscribers.listConfirmed('daily')).map((s) => s.email)).toEqual([
      'a@example.org',
      'd@example.org',
    ]);
    expect((await store.subscribers.get('d@example.org'))?.pending?.frequency).toBe('immediate');
  });

  test('update is optimistic and moves the subscriber between frequency/status lists', async () => {
    const { store } = await db.newStore();
    const original = subscriber('a@example.org');
    await store.subscribers.create(original);
    const later = '2026-03-02T00:00:00.000Z';
    const weekly = { ...original, frequency: 'weekly' as const, updatedAt: later };
    expect(await store.subscribers.update(weekly, original)).toBe(true);
    // A second writer holding the old version loses.
    expect(await store.subscribers.update({ ...original, topics: ['x'] }, original)).toBe(false);
    expect(await store.subscribers.update(weekly, { version: 1, updatedAt: 'other' })).toBe(false);
    expect(await store.subscribers.update(subscriber('absent@example.org'), original)).toBe(false);
    expect(await store.subscribers.listConfirmed('daily')).toEqual([]);
    expect((await store.subscribers.listConfirmed('weekly')).map((s) => s.email)).toEqual(['a@example.org']);
    await store.subscribers.put({ ...weekly, status: 'unsubscribed' });
    expect(await store.subscribers.listConfirmed('weekly')).toEqual([]);
    expect((await store.subscribers.get('a@example.org'))?.status).toBe('unsubscribed');
  });

  test('delete erases the subscriber and its deliveries', async () => {
    const { store } = await db.newStore();
    await store.subscribers.create(subscriber('a@example.org'));
    await store.subscribers.create(subscriber('keep@example.org'));
    const ids = Array.from({ length: 60 }, (_, i) => `alert-${i}`);
    await claimAgainstRead(store, 'a@example.org', ids, NOW, NOW);
    await store.deliveries.markSent('a@example.org', ids.slice(0, 30), 'msg-1', NOW);
    await claimAgainstRead(store, 'keep@example.org', ['alert-0'], NOW, NOW);
    await store.deliveries.markSent('keep@example.org', ['alert-0'], 'msg-2', NOW);
    expect(await store.subscribers.delete('a@example.org')).toBe(true);
    expect(await store.subscribers.get('a@example.org')).toBeNull();
    expect(await store.deliveries.list('a@example.org')).toEqual([]);
    expect(await store.deliveries.delivered('a@example.org', ids)).toEqual(new Set());
    expect(await store.deliveries.list('keep@example.org')).toHaveLength(1);
    expect(await store.deliveries.delivered('keep@example.org', ['alert-0'])).toEqual(new Set(['alert-0']));
    expect(await store.subscribers.delete('a@example.org')).toBe(false);
  });
});

describe('deliveries', () => {
  const email = 'd@example.org';
  const t = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

  const claimOf = (token: string, claimedAt: string, alertIds: string[]) => ({ token, claimedAt, alertIds });
  const stateOf = async (s: Store, ids: string[], staleBefore?: string) =>
    (await s.deliveries.deliveryStates([{ email, alertIds: ids }], staleBefore)).get(email);

  test('a claim holds only against the version it was read at', async () => {
    const { store } = await db.newStore();
    const read = await stateOf(store, ['a1', 'a2'], t(-15));
    expect(read).toEqual({ done: new Set(), held: new Set(), version: 0, claims: [] });
    const first = claimOf('c1', t(0), ['a1']);
    expect(await store.deliveries.claim(email, read!, first, t(-15))).toBe(true);
    // A second run that read before the first claimed loses, whatever it asks for.
    expect(await store.deliveries.claim(email, read!, claimOf('c2', t(0), ['a2']), t(-15))).toBe(false);
    const now = await stateOf(store, ['a1', 'a2'], t(-14));
    expect(now).toEqual({ done: new Set(['a1']), held: new Set(['a1']), version: 1, claims: [first] });
    // Read again, it claims the rest, keeping the live claim beside its own.
    const second = claimOf('c2', t(1), ['a2']);
    expect(await store.deliveries.claim(email, now!, second, t(-14))).toBe(true);
    expect((await stateOf(store, ['a1', 'a2'], t(-14)))?.claims).toEqual([first, second]);
    expect(await store.deliveries.delivered(email, ['a1', 'a2', 'a3'], t(-14))).toEqual(
      new Set(['a1', 'a2']),
    );
  });

  test('a stale unsent claim no longer holds its alerts; a sent one always does', async () => {
    const { store } = await db.newStore();
    const ids = ['stale', 'sent'];
    await claimAgainstRead(store, email, ids, t(0), t(-15));
    await store.deliveries.markSent(email, ['sent'], 'msg-1', t(1), t(0));
    // 16 minutes later the claim is stale: only the marked alert stays delivered.
    expect(await stateOf(store, ids, t(1))).toMatchObject({
      done: new Set(['sent']),
      held: new Set(),
      claims: [],
    });
    expect(await store.deliveries.delivered(email, ids)).toEqual(new Set(ids));
    expect(await claimAgainstRead(store, email, ['stale'], t(16), t(1))).toBe(true);
    expect(await store.deliveries.delivered(email, ids, t(2))).toEqual(new Set(ids));
    // The stale claim was dropped when the new one was written.
    expect((await stateOf(store, ids))?.claims.map((claim) => claim.claimedAt)).toEqual([t(16)]);
    expect(await store.deliveries.list(email)).toEqual([
      { email, alertId: 'sent', claimedAt: t(0), messageId: 'msg-1', sentAt: t(1) },
    ]);
  });

  test('release removes only its own claim, even after another claim changed the record', async () => {
    const { store } = await db.newStore();
    const ours = claimOf('ours', t(0), ['a1', 'a2']);
    expect(await store.deliveries.claim(email, (await stateOf(store, []))!, ours, t(-15))).toBe(true);
    const theirs = claimOf('theirs', t(0), ['a3']);
    expect(await store.deliveries.claim(email, (await stateOf(store, []))!, theirs, t(-15))).toBe(true);
    await store.deliveries.release(email, ours);
    await store.deliveries.release(email, claimOf('never-made', t(0), ['a3']));
    expect(await stateOf(store, ['a1', 'a2', 'a3'], t(-15))).toEqual({
      done: new Set(['a3']),
      held: new Set(['a3']),
      version: 3,
      claims: [theirs],
    });
  });

  test('markSent without a claim still records the send; delivered batches past 100 ids', async () => {
    const { store } = await db.newStore();
    const ids = Array.from({ length: 150 }, (_, i) => `x${i}`);
    await store.deliveries.markSent(email, ids.slice(0, 120), 'msg', t(0));
    const done = await store.deliveries.delivered(email, ids, t(0));
    expect(done.size).toBe(120);
    expect(done.has('x119')).toBe(true);
    expect(done.has('x120')).toBe(false);
  });
});

describe('rate limits', () => {
  test('counts per key and window atomically', async () => {
    const w1 = '2026-03-01T12:00:00.000Z';
    const w2 = '2026-03-01T13:00:00.000Z';
    const exp = '2026-03-01T14:00:00.000Z';
    const hits = await Promise.all(Array.from({ length: 10 }, () => store.rateLimits.hit('ip:1', w1, exp)));
    expect([...hits].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.rateLimits.hit('ip:1', w2, exp)).toBe(1);
    expect(await store.rateLimits.hit('ip:2', w1, exp)).toBe(1);
    expect(await store.rateLimits.hit('ip:1', w1, exp)).toBe(11);
  });
});
