import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureTable } from '#shared/store/index.ts';
import { GSI1 } from '#shared/store/keys.ts';
import { fixLevelIo, type LevelIoDb } from '../../functions/local/dynalite-level-io.ts';
import { type FixedDynalite, startFixedDynalite } from '../support/dynalite.ts';

// A dynalite on disk (classic-level, as the embedded store runs it), so the test can count the
// LevelDB calls dynalite's requests become: abstract-level calls the `_get`, `_getSync`, `_put`,
// `_del` and `_batch` of the instance.
type Counts = Record<'get' | 'getSync' | 'put' | 'del' | 'batch', number>;

let dir: string;
let store: FixedDynalite;
let client: FixedDynalite['client'];
const counts: Counts = { get: 0, getSync: 0, put: 0, del: 0, batch: 0 };
const TABLE = 'level-io';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pw-level-io-'));
  store = await startFixedDynalite({ path: dir });
  client = store.client;
  const level = store.level;
  for (const name of Object.keys(counts) as (keyof Counts)[]) {
    const method = `_${name}`;
    const original = level[method] as (...args: unknown[]) => unknown;
    level[method] = function (this: unknown, ...args: unknown[]) {
      counts[name] += 1;
      return original.apply(this, args);
    };
  }
  await ensureTable(client, TABLE);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const reset = () => {
  for (const name of Object.keys(counts) as (keyof Counts)[]) counts[name] = 0;
};

/** A source state as the store writes it: in gsi1, so each write also writes an index entry. */
const state = (n: number, polledAt: string) => ({
  pk: `SOURCE#s${n}`,
  sk: 'STATE',
  gsi1pk: 'LEVELIO',
  gsi1sk: `s${String(n).padStart(2, '0')}`,
  sourceId: `s${n}`,
  lastPolledAt: polledAt,
});

describe('dynalite reaching LevelDB (dynalite-level-io.ts)', () => {
  test("a BatchWriteItem's 25 writes and their index entries are a few LevelDB batches, and all land", async () => {
    const items = Array.from({ length: 25 }, (_, n) => state(n, '2026-12-06T10:00:00.000Z'));
    reset();
    await client.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    // Items, then index entries (dynalite waits for the first before the second): not 50 puts.
    expect({ put: counts.put, del: counts.del, get: counts.get }).toEqual({ put: 0, del: 0, get: 0 });
    expect(counts.batch).toBeGreaterThanOrEqual(2);
    expect(counts.batch).toBeLessThanOrEqual(4);
    // 25 reads of the items being replaced, from memory.
    expect(counts.getSync).toBeGreaterThanOrEqual(25);

    // Rewritten with a new index key: the old index entries go, the new ones come.
    const again = items.map((item) => ({ ...item, gsi1sk: `${item.gsi1sk}-b` }));
    await client.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: again.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    const listed = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'LEVELIO' },
      }),
    );
    expect(listed.Items?.map((item) => item.gsi1sk)).toEqual(again.map((item) => item.gsi1sk));
  });

  test('a BatchGetItem reads its keys in place, not through the thread pool', async () => {
    const keys = Array.from({ length: 25 }, (_, n) => ({ pk: `SOURCE#s${n}`, sk: 'STATE' }));
    reset();
    const out = await client.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys } } }));
    expect(out.Responses?.[TABLE]).toHaveLength(25);
    expect(counts.get).toBe(0);
    expect(counts.getSync).toBeGreaterThanOrEqual(25);
  });

  test('conditional writes of one key made in the same turn: exactly one wins', async () => {
    const claims = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) =>
        client.send(
          new PutCommand({
            TableName: TABLE,
            Item: { pk: 'ALERT#same', sk: 'ALERT', by: n },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );
    const won = claims.filter((claim) => claim.status === 'fulfilled');
    const lost = claims.filter((claim) => claim.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((claim) => (claim as PromiseRejectedResult).reason.name)).toEqual(
      Array(7).fill('ConditionalCheckFailedException'),
    );
    const stored = await client.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'ALERT#same', sk: 'ALERT' } }),
    );
    expect(stored.Item?.by).toBeTypeOf('number');
  });
});

/** A LevelDB double: records what reaches the original methods. */
function fakeDb(options: { getSync?: boolean; status?: string } = {}) {
  const calls: string[] = [];
  let failBatch: Error | null = null;
  const db = {
    status: options.status ?? 'open',
    supports: { getSync: options.getSync ?? true },
    store: new Map<string, unknown>([['k', { v: 1 }]]),
    getSync(key: string) {
      calls.push(`getSync ${key}`);
      if (key === 'throws') throw new Error('decode');
      return db.store.get(key);
    },
    get(key: string, callback?: (error: Error | null, value?: unknown) => void) {
      calls.push(`get ${key}`);
      if (callback) setImmediate(callback, null, db.store.get(key));
      return callback ? undefined : Promise.resolve(db.store.get(key));
    },
    put(key: string, _value: unknown, callback?: (error: Error | null) => void) {
      calls.push(`put ${key}`);
      if (callback) setImmediate(callback, null);
    },
    del(key: string, callback?: (error: Error | null) => void) {
      calls.push(`del ${key}`);
      if (callback) setImmediate(callback, null);
    },
    batch(ops: { type: string; key: string }[], callback?: (error: Error | null) => void) {
      calls.push(`batch ${ops.map((op) => `${op.type}:${op.key}`).join(',')}`);
      if (callback) setImmediate(callback, failBatch);
    },
  };
  return { db: db as typeof db & LevelIoDb, calls, fail: (error: Error) => (failBatch = error) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const settle = async () => {
  for (let i = 0; i < 4; i++) await turn();
};

describe('fixLevelIo on a database double', () => {
  test.each([
    {
      name: 'an open database with getSync reads in place',
      getSync: true,
      status: 'open',
      key: 'k',
      via: 'getSync k',
    },
    {
      name: 'a database without getSync keeps its own reads',
      getSync: false,
      status: 'open',
      key: 'k',
      via: 'get k',
    },
    {
      name: 'a database not open keeps its own reads',
      getSync: true,
      status: 'opening',
      key: 'k',
      via: 'get k',
    },
    {
      name: 'a read that throws goes the old way',
      getSync: true,
      status: 'open',
      key: 'throws',
      via: 'get throws',
    },
  ])('$name', async ({ getSync, status, key, via }) => {
    const { db, calls } = fakeDb({ getSync, status });
    fixLevelIo(db);
    let answered = false;
    let value: unknown;
    db.get(key, (_error, got) => {
      answered = true;
      value = got;
    });
    // Never in the same turn, as before.
    expect(answered).toBe(false);
    await settle();
    expect(answered).toBe(true);
    expect(value).toEqual(key === 'k' ? { v: 1 } : undefined);
    expect(calls.at(-1)).toBe(via);
  });

  test("a turn's writes are one batch, in order, each called back after it", async () => {
    const { db, calls } = fakeDb();
    fixLevelIo(db);
    const done: string[] = [];
    db.put('a', 1, () => done.push('a'));
    db.del('b', () => done.push('b'));
    db.put('c', 3, () => done.push('c'));
    expect(done).toEqual([]);
    await settle();
    expect(calls).toEqual(['batch put:a,del:b,put:c']);
    expect(done).toEqual(['a', 'b', 'c']);
    db.put('d', 4, () => done.push('d'));
    await settle();
    expect(calls).toEqual(['batch put:a,del:b,put:c', 'batch put:d']);
  });

  test('a failed batch fails every write in it with its error', async () => {
    const { db, fail } = fakeDb();
    fixLevelIo(db);
    fail(new Error('disk full'));
    const errors: (string | undefined)[] = [];
    db.put('a', 1, (error) => errors.push(error?.message));
    db.put('b', 2, (error) => errors.push(error?.message));
    await settle();
    expect(errors).toEqual(['disk full', 'disk full']);
  });

  test("dynalite's own batch goes after the writes made before it", async () => {
    const { db, calls } = fakeDb();
    fixLevelIo(db);
    db.put('a', 1, () => {});
    db.batch([{ type: 'del', key: 'x' }], () => {});
    await settle();
    expect(calls).toEqual(['batch put:a', 'batch del:x']);
  });

  test('writes without a callback, or to a closing database, go the old way', async () => {
    let state = 'open';
    const { db, calls } = fakeDb();
    fixLevelIo(db, { getState: () => state });
    db.put('a', 1);
    state = 'closing';
    db.put('b', 2, () => {});
    await settle();
    expect(calls).toEqual(['put a', 'put b']);
  });

  test('a graceful close waits for the batch not yet handed to LevelDB', async () => {
    const tracked: Promise<unknown>[] = [];
    const { db } = fakeDb();
    fixLevelIo(db, {
      getState: () => 'open',
      trackOperation: (operation) => {
        tracked.push(operation);
        return operation;
      },
    });
    db.put('a', 1, () => {});
    expect(tracked).toHaveLength(1);
    let settledBatch = false;
    void tracked[0]?.then(() => (settledBatch = true));
    await settle();
    expect(settledBatch).toBe(true);
  });

  test('applying it twice changes nothing more', async () => {
    const { db, calls } = fakeDb();
    fixLevelIo(db);
    const get = db.get;
    fixLevelIo(db);
    expect(db.get).toBe(get);
    db.put('a', 1, () => {});
    await settle();
    expect(calls).toEqual(['batch put:a']);
  });
});
