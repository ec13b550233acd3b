/**
 * API latency: `GET /api/alerts` and a topic's Atom feed over loopback HTTP with 10,000 stored
 * alerts (embedded dynalite, in memory), at a fixed 200 requests/s for a bounded time over 20
 * connections (an open loop: requests start on schedule whether or not earlier ones finished).
 * p50/p99 against the same route's own unloaded (one at a time) p50.
 */

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Pool } from 'undici';
import type { Alert } from '../shared/domain/types.ts';
import { createApp } from '../shared/http/app.ts';
import { createTestStore } from '../tests/support/dynalite.ts';
import { configFrom, serviceDeps } from '../tests/support/service-deps.ts';
import type { BenchOptions, BenchRow } from './run.ts';

const RATE = 200;
const TOPICS = ['localism', 'charity', 'housing', 'procurement'];

function alert(i: number): Alert {
  const detectedAt = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString();
  const topic = TOPICS[i % TOPICS.length] ?? 'localism';
  return {
    id: `bench-${String(i).padStart(6, '0')}`,
    kind: 'new',
    topics: [topic],
    matched: [{ topic, terms: [topic] }],
    source: { id: `source-${i % 20}`, title: `Source ${i % 20}` },
    title: `Update ${i} on ${topic} guidance for voluntary organisations`,
    url: `https://www.gov.uk/government/news/update-${i}`,
    summary: `The department published update ${i} on ${topic}, with next steps for local organisations.`,
    whatChanged: 'new item',
    publishedAt: detectedAt,
    changedAt: detectedAt,
    detectedAt,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Requests at `rate`/s for `seconds`, each timed from its scheduled start. Sorted latencies. */
async function load(pool: Pool, path: string, rate: number, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      pool.request({ method: 'GET', path }).then(async (response) => {
        await response.body.text();
        if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}`);
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(inFlight);
  return latencies.sort((a, b) => a - b);
}

export async function benchApi(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 2_000 : 10_000;
  const seconds = options.quick ? 1 : 10;
  const test = await createTestStore();
  const config = configFrom({
    organisation: { name: 'Bench', contact: 'bench@example.org' },
    sources: Array.from({ length: 20 }, (_, i) => ({
      id: `source-${i}`,
      kind: 'feed',
      url: `https://example.org/feed-${i}`,
    })),
    topics: TOPICS.map((id) => ({ id, title: id, query: id })),
    digests: { from: 'alerts@example.org' },
  });
  const { deps } = serviceDeps({ config, store: test.store, now: '2026-12-01T00:00:00.000Z' });
  const all = Array.from({ length: count }, (_, i) => alert(i));
  for (let i = 0; i < all.length; i += 500) await test.store.alerts.createMany(all.slice(i, i + 500));
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 20 });
  const rows: BenchRow[] = [];
  try {
    for (const [label, path] of [
      ['GET /api/alerts', '/api/alerts'],
      ['GET /api/alerts?limit=100', '/api/alerts?limit=100'],
      ['GET /api/topics/{id}/alerts.atom', '/api/topics/localism/alerts.atom'],
    ] as const) {
      const idle = await load(pool, path, 20, options.quick ? 0.5 : 1); // warm-up and the unloaded figure
      const loaded = await load(pool, path, RATE, seconds);
      const p50 = percentile(loaded, 50);
      const p99 = percentile(loaded, 99);
      const idleP50 = percentile(idle, 50);
      rows.push(
        {
          name: `API ${label}, ${count} alerts, ${RATE} req/s: p50`,
          baseline: idleP50,
          measured: p50,
          ratio: p50 / idleP50,
          unit: 'ms',
        },
        {
          name: `API ${label}, ${count} alerts, ${RATE} req/s: p99`,
          baseline: idleP50,
          measured: p99,
          ratio: p99 / idleP50,
          unit: 'ms',
          limit: 50,
        },
      );
    }
    return rows;
  } finally {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
    await test.close();
  }
}
