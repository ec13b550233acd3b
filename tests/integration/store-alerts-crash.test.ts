/**
 * A run killed inside an alert's dynalite write, reproduced deterministically: dynalite writes a
 * put's index entries before the item (separate LevelDB writes), so a kill between the two leaves
 * gsi1/gsi2 entries the stored record does not point at. Here dynalite's `updateIndexes` is
 * wrapped to apply the index changes and then fail the request before the item is written, as
 * the kill would. The next run must complete the alert and list it exactly once everywhere.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, test } from 'vitest';
import type { Store } from '#shared/domain/ports.ts';
import type { Alert } from '#shared/domain/types.ts';
import { makeAlert } from '../support/builders.ts';
import { useDynalite } from '../support/hooks.ts';

type Callback = (err?: unknown) => void;
type UpdateIndexes = (store: unknown, table: unknown, existing: unknown, item: unknown, cb: Callback) => void;

// The module instance dynalite's actions call `updateIndexes` through at each write.
const dynaliteDb = createRequire(createRequire(import.meta.url).resolve('dynalite'))('./db/index.js') as {
  updateIndexes: UpdateIndexes;
};
const original = dynaliteDb.updateIndexes;

/** An attribute of an item as dynalite holds it (DynamoDB JSON). */
const stringAttr = (item: Record<string, unknown>, name: string) =>
  (item[name] as { S?: string } | undefined)?.S;

/** Until `afterEach`, every write of an item `dropItem` matches stops after its index changes. */
function killAfterIndexes(dropItem: (item: Record<string, unknown>) => boolean): void {
  dynaliteDb.updateIndexes = (store, table, existing, item, cb) => {
    original(store, table, existing, item, (err) => {
      if (err || !(item && dropItem(item as Record<string, unknown>))) return cb(err);
      // A 400 the SDK does not retry: the request fails like the killed process's would.
      cb({
        statusCode: 400,
        body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'killed' },
      });
    });
  };
}

afterEach(() => {
  dynaliteDb.updateIndexes = original;
});

// In this thread: the wrapped `updateIndexes` is this thread's dynalite module.
const db = useDynalite({ inThisThread: true });

const alertAt = (detectedAt: string): Alert =>
  makeAlert({
    id: 'crash-1',
    topics: ['t1', 't2'],
    source: { id: 's1', title: 'Source one' },
    detectedAt,
    changedAt: detectedAt,
  });

const LISTINGS = [{}, { source: 's1' }, { topics: ['t1'] }, { topics: ['t1', 't2'] }];

async function listedIds(store: Store): Promise<{ query: object; ids: string[]; detectedAt: string[] }[]> {
  return Promise.all(
    LISTINGS.map(async (query) => {
      const page = await store.alerts.list({ ...query, limit: 100 });
      return { query, ids: page.items.map((a) => a.id), detectedAt: page.items.map((a) => a.detectedAt) };
    }),
  );
}

async function expectListedOnceAt(store: Store, alert: Alert): Promise<void> {
  for (const listing of await listedIds(store)) {
    expect(listing, JSON.stringify(listing.query)).toEqual({
      query: listing.query,
      ids: [alert.id],
      detectedAt: [alert.detectedAt],
    });
  }
  expect(await store.alerts.get(alert.id)).toEqual(alert);
  expect(await store.alerts.listSourcesDetectedSince(['s1'], '2026-01-01T00:00:00.000Z')).toEqual([alert]);
  expect(await store.alerts.listDetectedSince(['t1', 't2'], '2026-01-01T00:00:00.000Z')).toEqual([alert]);
}

describe('an alert write killed between dynalite index and item writes', () => {
  const first = alertAt('2026-03-01T10:00:00.000Z');
  const second = alertAt('2026-03-01T11:00:00.000Z');
  const third = alertAt('2026-03-01T12:00:00.000Z');

  test.each(['create', 'createMany'] as const)(
    'in the listing step: the next run (%s) lists it once',
    async (via) => {
      const { store } = await db.newStore();
      killAfterIndexes((item) => item.gsi1pk !== undefined);
      await expect(store.alerts.create(first)).rejects.toThrow('killed');
      dynaliteDb.updateIndexes = original;
      // The crash state: gsi1 shows an entry the unlisted record does not point at.
      expect((await store.alerts.list({ limit: 100 })).items.map((a) => a.id)).toEqual([first.id]);
      expect(await store.alerts.get(first.id)).toBeNull();

      if (via === 'create') expect(await store.alerts.create(second)).toBe(true);
      else expect(await store.alerts.createMany([second])).toEqual([true]);
      await expectListedOnceAt(store, second);
      // A listed alert is complete: a further run writes nothing new.
      expect(await store.alerts.create(third)).toBe(false);
      await expectListedOnceAt(store, second);
    },
  );

  test('and again in the takeover: a marked record is taken over, never listed', async () => {
    const { store } = await db.newStore();
    killAfterIndexes((item) => item.gsi1pk !== undefined);
    await expect(store.alerts.create(first)).rejects.toThrow('killed');
    // The next run dies putting its claim: the stale entries are gone, the record still marked.
    killAfterIndexes(
      (item) => item.gsi1pk === undefined && stringAttr(item, 'detectedAt') === second.detectedAt,
    );
    await expect(store.alerts.create(second)).rejects.toThrow('killed');
    dynaliteDb.updateIndexes = original;
    expect(await store.alerts.get(first.id)).toBeNull();
    for (const listing of await listedIds(store))
      expect(listing.ids, JSON.stringify(listing.query)).toEqual([]);
    expect(await store.alerts.createMany([third])).toEqual([true]);
    await expectListedOnceAt(store, third);
  });
});
