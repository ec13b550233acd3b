/**
 * Child process for the store soak: an embedded store on disk (as `serve` runs it), a few hundred
 * alerts, then LISTINGS paged listings (three pages each, over the all, per-topic and per-source
 * partitions) as `GET /api/alerts` makes them. Prints one JSON line with memory after a forced GC
 * once warmed up and at the end. Run with `node --expose-gc --import tsx`.
 *   usage: listing-soak.ts <listings>
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertQuery } from '#shared/domain/ports.ts';
import type { Alert } from '#shared/domain/types.ts';
import { createDocumentClient, createDynamoStore, ensureTable } from '#shared/store/index.ts';
import { startEmbeddedStore } from '../../functions/local/embedded-store.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const listings = Number.parseInt(process.argv[2] ?? '2000', 10);
const WARMUP = Math.min(200, Math.floor(listings / 5));

function memory() {
  gc?.();
  gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
function alert(n: number): Alert {
  const at = new Date(T0 + n * 60_000).toISOString();
  return {
    id: `a${n}`,
    kind: 'new',
    topics: n % 3 === 0 ? ['t1', 't2'] : [`t${(n % 2) + 1}`],
    matched: [{ topic: 't1', terms: ['word'] }],
    source: { id: `s${n % 4}`, title: 'Source' },
    title: `Alert ${n} ${'words '.repeat(40)}`,
    url: `https://example.org/${n}`,
    summary: 'summary '.repeat(40),
    whatChanged: 'changed',
    publishedAt: null,
    changedAt: at,
    detectedAt: at,
  };
}

const dataDir = await mkdtemp(join(tmpdir(), 'pw-soak-'));
const server = await startEmbeddedStore({ dataDir });
const client = createDocumentClient({ endpoint: server.endpoint, region: 'eu-west-2' });
try {
  await ensureTable(client, 'soak-table');
  const store = createDynamoStore({ client, tableName: 'soak-table' });
  for (let n = 0; n < 300; n += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.alerts.create(alert(n + i))));
  }
  const queries: Omit<AlertQuery, 'cursor'>[] = [
    { limit: 20 },
    { limit: 20, topics: ['t1', 't2'] },
    { limit: 10, source: 's1' },
    { limit: 20, until: new Date(T0 + 200 * 60_000).toISOString() },
  ];
  let before = memory();
  for (let i = 0; i < listings; i++) {
    if (i === WARMUP) before = memory();
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const result = await store.alerts.list({ ...queries[i % queries.length], limit: 20, cursor });
      cursor = result.nextCursor;
      if (cursor === null) break;
    }
  }
  const after = memory();
  process.stdout.write(`${JSON.stringify({ listings, before, after })}\n`);
} finally {
  client.destroy();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
