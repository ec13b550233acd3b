import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, test } from 'vitest';
import type { AlertQuery, Store } from '#shared/domain/ports.ts';
import type { Alert } from '#shared/domain/types.ts';
import { queryAll } from '#shared/store/batch.ts';
import { InvalidCursorError } from '#shared/store/index.ts';
import { alertKey, topicAlertKey, topicPartition } from '#shared/store/keys.ts';
import type { TestStore } from '../support/dynalite.ts';
import { useDynalite } from '../support/hooks.ts';

const db = useDynalite();

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function makeAlert(overrides: Partial<Alert> & Pick<Alert, 'id'>): Alert {
  const detectedAt = overrides.detectedAt ?? at(0);
  return {
    kind: 'new',
    topics: ['t1'],
    matched: (overrides.topics ?? ['t1']).map((topic) => ({ topic, terms: ['word'] })),
    source: { id: 's1', title: 'Source one' },
    title: `Alert ${overrides.id}`,
    url: `https://example.org/${overrides.id}`,
    summary: '',
    whatChanged: 'changed',
    publishedAt: null,
    changedAt: detectedAt,
    detectedAt,
    ...overrides,
  };
}

/** Deterministic pseudo-random numbers, so a failure is reproducible. */
function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function expected(all: Alert[], query: Omit<AlertQuery, 'limit'>): string[] {
  return all
    .filter((a) => !query.topics?.length || a.topics.some((t) => query.topics?.includes(t)))
    .filter((a) => query.source === undefined || a.source.id === query.source)
    .filter((a) => query.since === undefined || a.changedAt >= query.since)
    .filter((a) => query.until === undefined || a.changedAt < query.until)
    .sort((a, b) =>
      a.detectedAt === b.detectedAt ? (a.id < b.id ? 1 : -1) : a.detectedAt < b.detectedAt ? 1 : -1,
    )
    .map((a) => a.id);
}

/** Walks every page, checking the page contract, and returns the ids in order. */
async function walk(store: Store, query: AlertQuery, between?: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const result = await store.alerts.list({ ...query, cursor });
    if (result.nextCursor !== null) expect(result.items).toHaveLength(query.limit);
    else expect(result.items.length).toBeLessThanOrEqual(query.limit);
    ids.push(...result.items.map((a) => a.id));
    if (result.nextCursor === null) return ids;
    cursor = result.nextCursor;
    await between?.();
  }
  throw new Error('listing did not end');
}

describe('alert create', () => {
  test('is idempotent: second create false, one listing per topic', async () => {
    const { store } = await db.newStore();
    const alert = makeAlert({ id: 'a1', topics: ['t1', 't2'] });
    expect(await store.alerts.create(alert)).toBe(true);
    expect(await store.alerts.create(alert)).toBe(false);
    expect(await store.alerts.get('a1')).toEqual(alert);
    expect(await store.alerts.get('missing')).toBeNull();
    for (const query of [
      {},
      { topics: ['t1'] },
      { topics: ['t2'] },
      { topics: ['t1', 't2'] },
      { source: 's1' },
    ]) {
      const page = await store.alerts.list({ ...query, limit: 10 });
      expect(page.items.map((a) => a.id)).toEqual(['a1']);
      expect(page.nextCursor).toBeNull();
    }
  });

  test('keeps optional fields and strips key attributes', async () => {
    const { store } = await db.newStore();
    const alert = makeAlert({
      id: 'leg',
      legislation: {
        affected: { id: 'ukpga/2011/20', title: 'Localism Act 2011' },
        affecting: null,
        effect: 'words substituted',
        provisions: { affected: 's. 5', affecting: null },
        inForce: [{ date: '2026-04-01', qualification: null }],
      },
      diff: { added: ['new line'], removed: [] },
    });
    await store.alerts.create(alert);
    const [listed] = (await store.alerts.list({ topics: ['t1'], limit: 1 })).items;
    expect(listed).toEqual(alert);
    expect(Object.keys(listed ?? {})).not.toContain('pk');
  });

  test('a re-run after a crash midway completes the missing topic copies', async () => {
    const { store, client, tableName } = await db.newStore();
    const alert = makeAlert({ id: 'crash', topics: ['t1', 't2', 't3'] });
    // Simulate a crash after the first copy: only TOPIC#t1 was written.
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...alert, ...topicAlertKey('t1', alert.detectedAt, alert.id), entity: 'alert-topic', v: 1 },
      }),
    );
    expect(await store.alerts.get('crash')).toBeNull();
    expect(await store.alerts.create(alert)).toBe(true);
    for (const topic of ['t1', 't2', 't3']) {
      expect((await store.alerts.list({ topics: [topic], limit: 5 })).items.map((a) => a.id)).toEqual([
        'crash',
      ]);
    }
    expect((await store.alerts.list({ limit: 5 })).items.map((a) => a.id)).toEqual(['crash']);
  });

  /** Every raw topic copy in the table, as `topic@detectedAt` (what listings would show). */
  async function rawCopies(test: TestStore, topics: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const topic of topics) {
      const items = await queryAll(test, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': topicPartition(topic) },
      });
      out.push(...items.map((item) => `${topic}@${String(item.detectedAt)}`));
    }
    return out.sort();
  }

  test('a re-run after restart with a later detectedAt adds no second topic copy', async () => {
    const test = await db.newStore();
    const alert = makeAlert({ id: 'again', topics: ['t1', 't2'] });
    expect(await test.store.alerts.create(alert)).toBe(true);
    // The restarted poll detects the same change again, an hour later.
    expect(await test.store.alerts.create({ ...alert, detectedAt: at(60), changedAt: at(60) })).toBe(false);
    expect(await rawCopies(test, ['t1', 't2'])).toEqual([`t1@${at(0)}`, `t2@${at(0)}`]);
    expect(await test.store.alerts.get('again')).toEqual(alert);
  });

  test('a claim left by a crash is moved to the re-run: one copy per topic, listed once', async () => {
    const test = await db.newStore();
    const alert = makeAlert({ id: 'moved', topics: ['t1', 't2'] });
    // The crashed run claimed the id and wrote one copy, then died before listing the alert.
    for (const item of [
      { ...alert, ...alertKey(alert.id), entity: 'alert', v: 1 },
      { ...alert, ...topicAlertKey('t1', alert.detectedAt, alert.id), entity: 'alert-topic', v: 1 },
    ]) {
      await test.client.send(new PutCommand({ TableName: test.tableName, Item: item }));
    }
    expect(await test.store.alerts.get('moved')).toBeNull();
    expect((await test.store.alerts.list({ limit: 5 })).items).toEqual([]);

    const rerun = { ...alert, detectedAt: at(60), changedAt: at(60) };
    expect(await test.store.alerts.create(rerun)).toBe(true);
    expect(await rawCopies(test, ['t1', 't2'])).toEqual([`t1@${at(60)}`, `t2@${at(60)}`]);
    expect(await test.store.alerts.get('moved')).toEqual(rerun);
    for (const query of [{}, { topics: ['t1', 't2'] }, { source: 's1' }]) {
      expect((await test.store.alerts.list({ ...query, limit: 5 })).items).toEqual([rerun]);
    }
    expect(await test.store.alerts.listDetectedSince(['t1', 't2'], at(0))).toEqual([rerun]);
  });

  test('createMany moves a crashed claim like create does, and skips listed alerts', async () => {
    const test = await db.newStore();
    const listed = makeAlert({ id: 'listed', topics: ['t1'] });
    await test.store.alerts.create(listed);
    const crashed = makeAlert({ id: 'crashed', topics: ['t1', 't2'] });
    await test.client.send(
      new PutCommand({
        TableName: test.tableName,
        Item: { ...crashed, ...alertKey(crashed.id), entity: 'alert', v: 1 },
      }),
    );
    const rerun = { ...crashed, detectedAt: at(60), changedAt: at(60) };
    const again = { ...listed, detectedAt: at(60), changedAt: at(60) };
    // A crashed claim is not listed: listedIds, whose read createMany can be handed, finds only `listed`.
    const known = await test.store.alerts.listedIds(['listed', 'crashed', 'absent']);
    expect(known).toEqual(new Set(['listed']));
    expect(await test.store.alerts.createMany([again, rerun], known)).toEqual([false, true]);
    expect(await rawCopies(test, ['t1', 't2'])).toEqual([`t1@${at(0)}`, `t1@${at(60)}`, `t2@${at(60)}`]);
    expect(await test.store.alerts.get('crashed')).toEqual(rerun);
    expect(await test.store.alerts.get('listed')).toEqual(listed);
  });

  test('createMany creates the absent ones, reports the existing ones, indexes every topic', async () => {
    const { store } = await db.newStore();
    const old = makeAlert({ id: 'old', topics: ['t1'] });
    await store.alerts.create(old);
    const batch = [
      makeAlert({ id: 'm1', topics: ['t1', 't2'], detectedAt: at(1) }),
      old,
      ...Array.from({ length: 30 }, (_, i) => makeAlert({ id: `n${i}`, topics: ['t2'], detectedAt: at(2) })),
    ];
    const created = await store.alerts.createMany(batch);
    expect(created).toEqual(batch.map((alert) => alert.id !== 'old'));
    expect(await store.alerts.createMany(batch)).toEqual(batch.map(() => false));
    expect(await store.alerts.createMany([])).toEqual([]);
    expect(await store.alerts.get('m1')).toEqual(batch[0]);
    expect((await store.alerts.list({ topics: ['t1'], limit: 10 })).items.map((a) => a.id)).toEqual([
      'm1',
      'old',
    ]);
    expect((await store.alerts.list({ topics: ['t2'], limit: 50 })).items).toHaveLength(31);
  });
});

describe('alert listing', () => {
  const all: Alert[] = [];
  let store: Store;

  beforeAll(async () => {
    ({ store } = await db.newStore());
    const random = lcg(42);
    const topics = ['t1', 't2', 't3', 't4'];
    for (let i = 0; i < 130; i++) {
      // Several alerts share a detection instant, so the id tie-break is exercised.
      const detected = Math.floor(i / 3) * 7;
      const picked = topics.filter(() => random() < 0.4);
      all.push(
        makeAlert({
          id: `al-${String(i).padStart(3, '0')}-${Math.floor(random() * 1000)}`,
          topics: picked.length > 0 ? picked : ['t1'],
          source: { id: random() < 0.5 ? 's1' : 's2', title: 'x' },
          detectedAt: at(detected),
          changedAt: at(detected - Math.floor(random() * 600)),
        }),
      );
    }
    for (const alert of all) await store.alerts.create(alert);
  });

  const queries: [string, Omit<AlertQuery, 'limit'>][] = [
    ['everything', {}],
    ['one topic', { topics: ['t2'] }],
    ['several topics (merged, de-duplicated)', { topics: ['t1', 't3', 't4'] }],
    ['source', { source: 's2' }],
    ['topics and source', { topics: ['t1', 't2'], source: 's1' }],
    ['since', { since: at(150) }],
    ['until', { until: at(200) }],
    [
      'since and until with topics and source',
      { topics: ['t3'], source: 's1', since: at(100), until: at(600) },
    ],
    ['a window nothing is in', { since: at(-10_000), until: at(-9_000) }],
    ['an unknown topic', { topics: ['nope'] }],
  ];

  test.each(queries)('%s: walks every page in order, full pages, no gaps', async (_name, query) => {
    const want = expected(all, query);
    for (const limit of [2, 20, 100]) {
      expect(await walk(store, { ...query, limit })).toEqual(want);
    }
  });

  test('limit 1 pages through several topics one by one', async () => {
    const query = { topics: ['t2', 't3'], since: at(200) };
    expect(await walk(store, { ...query, limit: 1 })).toEqual(expected(all, query));
  });

  test('first page of everything is the newest', async () => {
    const page = await store.alerts.list({ limit: 3 });
    expect(page.items.map((a) => a.id)).toEqual(expected(all, {}).slice(0, 3));
    expect(page.nextCursor).not.toBeNull();
  });

  test.each([0, 101, 1.5])('limit %s is refused', async (limit) => {
    await expect(store.alerts.list({ limit })).rejects.toThrow(RangeError);
  });

  test('a malformed cursor throws InvalidCursorError', async () => {
    for (const cursor of ['garbage!', 'aGVsbG8', Buffer.from('a1|nope|x').toString('base64url')]) {
      await expect(store.alerts.list({ limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });

  test('listDetectedSince: any topic, from inclusive, oldest first, de-duplicated', async () => {
    const from = at(200);
    const topics = ['t2', 't4'];
    const want = all
      .filter((a) => a.detectedAt >= from && a.topics.some((t) => topics.includes(t)))
      .sort((a, b) =>
        a.detectedAt === b.detectedAt ? (a.id < b.id ? -1 : 1) : a.detectedAt < b.detectedAt ? -1 : 1,
      )
      .map((a) => a.id);
    expect(want.length).toBeGreaterThan(3);
    expect((await store.alerts.listDetectedSince(topics, from)).map((a) => a.id)).toEqual(want);
    expect(await store.alerts.listDetectedSince([], from)).toEqual([]);
  });
});

describe('alert listing under concurrent inserts', () => {
  test.each([
    ['everything', {}],
    ['two topics', { topics: ['t1', 't2'] }],
    ['a source', { source: 's1' }],
  ])('%s: no duplicates, no gaps', async (_name, query) => {
    const { store } = await db.newStore();
    const initial: Alert[] = [];
    for (let i = 0; i < 40; i++) {
      const alert = makeAlert({
        id: `base-${i}`,
        topics: i % 2 ? ['t1'] : ['t2', 't1'],
        source: { id: i % 3 ? 's1' : 's2', title: 'x' },
        detectedAt: at(i),
      });
      initial.push(alert);
      await store.alerts.create(alert);
    }
    let n = 0;
    const insertBetweenPages = async () => {
      n++;
      // New detections (newer than anything walked) and a late one older than the position.
      await store.alerts.create(makeAlert({ id: `new-${n}`, topics: ['t1'], detectedAt: at(1000 + n) }));
      await store.alerts.create(makeAlert({ id: `late-${n}`, topics: ['t2'], detectedAt: at(-100 - n) }));
    };
    const ids = await walk(store, { ...query, limit: 6 }, insertBetweenPages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('base-'))).toEqual(expected(initial, query));
    expect(ids.some((id) => id.startsWith('new-'))).toBe(false);
  });
});
