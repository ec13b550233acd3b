/**
 * `until` as a key bound (late-alerts.ts): on a mixed dataset (lags from none to months, several
 * topics and sources) every `until` listing returns exactly what the old read-and-filter path
 * returns, page by page, and reads far fewer items when `until` is in the past.
 */

import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import type { AlertQuery, Store } from '#shared/domain/ports.ts';
import type { Alert } from '#shared/domain/types.ts';
import { queryAll } from '#shared/store/batch.ts';
import { createDynamoStore } from '#shared/store/index.ts';
import { latePartition } from '#shared/store/keys.ts';
import { useDynalite } from '../support/hooks.ts';

const db = useDynalite();

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
// Lags around the 24 h threshold and far beyond it (backfill, old items first seen late).
const LAGS = [0, 0, 0, HOUR, 23 * HOUR, 24 * HOUR, 25 * HOUR, 3 * 24 * HOUR, 40 * 24 * HOUR, 200 * 24 * HOUR];

function dataset(lags: readonly number[] = LAGS): Alert[] {
  const alerts: Alert[] = [];
  for (let i = 0; i < 120; i++) {
    const detected = T0 + Math.floor(i / 2) * 9 * HOUR;
    const lag = lags[(i * 7) % lags.length] ?? 0;
    const topics = [['t1'], ['t2'], ['t1', 't2'], ['t3']][i % 4] ?? ['t1'];
    alerts.push({
      id: `u${String(i).padStart(3, '0')}`,
      kind: 'new',
      topics,
      matched: topics.map((topic) => ({ topic, terms: ['w'] })),
      source: { id: i % 3 === 0 ? 's1' : 's2', title: 'S' },
      title: `Alert ${i}`,
      url: `https://example.org/${i}`,
      summary: '',
      whatChanged: 'changed',
      publishedAt: null,
      changedAt: iso(detected - lag),
      detectedAt: iso(detected),
    });
  }
  return alerts;
}

function counting(client: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; read: () => number } {
  let read = 0;
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const out = (await target.send(command)) as { Items?: unknown[] };
        read += out.Items?.length ?? 0;
        return out;
      };
    },
  });
  return { client: proxy, read: () => read };
}

async function walk(store: Store, query: Omit<AlertQuery, 'cursor'>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page = await store.alerts.list({ ...query, cursor });
    pages.push(page.items.map((alert) => alert.id));
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 500);
  return pages;
}

const UNTILS = [
  iso(T0 - 100 * 24 * HOUR),
  iso(T0 + 24 * HOUR),
  iso(T0 + 5 * 24 * HOUR + 3 * HOUR),
  iso(T0 + 20 * 24 * HOUR),
  dataset()[37]?.changedAt ?? '',
];
async function createAll(store: Store, alerts: Alert[]): Promise<void> {
  for (let i = 0; i < alerts.length; i += 10) {
    await Promise.all(alerts.slice(i, i + 10).map((alert) => store.alerts.create(alert)));
  }
}

const SHAPES: Omit<AlertQuery, 'cursor' | 'until'>[] = [
  { limit: 20 },
  { limit: 7, topics: ['t1'] },
  { limit: 9, topics: ['t1', 't2'] },
  { limit: 6, topics: ['t2', 't3'], source: 's2' },
  { limit: 8, since: iso(T0 + 2 * 24 * HOUR) },
];

async function snapshot(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const until of UNTILS) {
    for (const shape of SHAPES) out.push(JSON.stringify(await walk(store, { ...shape, until })));
  }
  return out;
}

function oracle(all: Alert[]): string[] {
  const out: string[] = [];
  const sorted = [...all].sort((a, b) =>
    a.detectedAt === b.detectedAt ? (a.id < b.id ? 1 : -1) : a.detectedAt < b.detectedAt ? 1 : -1,
  );
  for (const until of UNTILS) {
    for (const shape of SHAPES) {
      const ids = sorted
        .filter((a) => !shape.topics || a.topics.some((t) => shape.topics?.includes(t)))
        .filter((a) => shape.source === undefined || a.source.id === shape.source)
        .filter((a) => shape.since === undefined || a.changedAt >= shape.since)
        .filter((a) => a.changedAt < until)
        .map((a) => a.id);
      const pages: string[][] = [];
      for (let i = 0; i < ids.length; i += shape.limit) pages.push(ids.slice(i, i + shape.limit));
      out.push(JSON.stringify(pages.length > 0 ? pages : [[]]));
    }
  }
  return out;
}

describe('until listings', () => {
  test('the key-bounded path returns what filtering returned, page by page', async () => {
    const test = await db.newStore();
    const all = dataset();
    await createAll(test.store, all);
    // No marker yet: the old read-and-filter path.
    const before = await snapshot(test.store);
    expect(before).toEqual(oracle(all));
    await test.store.alerts.prepareListings();
    expect(await snapshot(test.store)).toEqual(before);
  });

  test('alerts stored before late copies existed get them from prepareListings', async () => {
    const test = await db.newStore();
    const all = dataset();
    await createAll(test.store, all);
    // As a store written by the previous version: no late copies at all.
    for (const scope of ['ALL', 'SOURCE#s1', 'SOURCE#s2', 'TOPIC#t1', 'TOPIC#t2', 'TOPIC#t3']) {
      const items = await queryAll(test, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': latePartition(scope) },
      });
      for (const item of items) {
        await test.client.send(
          new DeleteCommand({ TableName: test.tableName, Key: { pk: item.pk, sk: item.sk } }),
        );
      }
    }
    const fresh = createDynamoStore({ client: test.client, tableName: test.tableName });
    await fresh.alerts.prepareListings();
    expect(await snapshot(fresh)).toEqual(oracle(all));
  });

  test('an until in the past reads the late alerts, not the whole store', async () => {
    const test = await db.newStore();
    // Mostly prompt detections, one in ten a backfilled old item (as a real store looks).
    await createAll(test.store, dataset([0, HOUR, 0, 3 * HOUR, 0, 0, 30 * 24 * HOUR, 0, 2 * HOUR, 0]));
    const query = { limit: 20, until: iso(T0 + 24 * HOUR) };
    const old = counting(test.client);
    const before = await walk(createDynamoStore({ client: old.client, tableName: test.tableName }), query);
    await test.store.alerts.prepareListings();
    const bounded = counting(test.client);
    const after = await walk(createDynamoStore({ client: bounded.client, tableName: test.tableName }), query);
    expect(after).toEqual(before);
    // Filtering read every alert detected after `until`; the key bound reads late copies only.
    expect(old.read()).toBeGreaterThan(100);
    expect(bounded.read()).toBeLessThan(old.read() / 3);
    console.log(`until listing: ${old.read()} items read by filtering, ${bounded.read()} key-bounded`);
  });
});
