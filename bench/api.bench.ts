/**
 * API latency under `policy-watch serve`: the real command (@hono/node-server over the embedded
 * dynalite store, persisted in a temporary DATA_DIR) in its own process, loaded over loopback
 * from this one at a fixed 200 requests/s for a bounded time over 20 connections. An open loop:
 * requests start on schedule whether or not earlier ones finished, and each latency is timed
 * from its scheduled start, so a server that falls behind shows it in p99 and in the achieved
 * rate. Alerts are written through the running server's store endpoint (as a `poll` beside a
 * live `start` writes them), 2,000 first, then up to 10,000.
 *
 * For each count and each request: unloaded p50 (one at a time), loaded p50 and p99 (limit
 * 50 ms) and the achieved rate (completed requests per second of the loaded run).
 *
 *   BENCH_API_CPU_PROF=DIR   the servers run under `node --cpu-prof`; their profiles land in DIR
 *   BENCH_API_BASELINE=FILE  also runs another checkout's `bin/policy-watch.js` (built) the same
 *                            way, request by request beside this one: before/after in one run
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Pool } from 'undici';
import type { Store } from '../shared/domain/ports.ts';
import type { Alert } from '../shared/domain/types.ts';
import { createDocumentClient, createDynamoStore } from '../shared/store/index.ts';
import type { BenchOptions, BenchRow } from './run.ts';

const RATE = 200;
const CONNECTIONS = 20;
const TOPICS = ['localism', 'charity', 'housing', 'procurement'];
const SOURCES = 20;
/** When the server was spawned: phase offsets are printed against it when profiling. */
let spawnedAt = 0;
const BIN = fileURLToPath(new URL('../bin/policy-watch.js', import.meta.url));

const REQUESTS = [
  ['GET /api/alerts', '/api/alerts'],
  ['GET /api/alerts?limit=100', '/api/alerts?limit=100'],
  ['GET /api/alerts?topic=', '/api/alerts?topic=housing'],
  ['GET /api/topics/{id}/alerts.atom', '/api/topics/localism/alerts.atom'],
] as const;

function alert(i: number): Alert {
  const detectedAt = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString();
  const topic = TOPICS[i % TOPICS.length] ?? 'localism';
  return {
    id: `bench-${String(i).padStart(6, '0')}`,
    kind: 'new',
    topics: [topic],
    matched: [{ topic, terms: [topic] }],
    source: { id: `source-${i % SOURCES}`, title: `Source ${i % SOURCES}` },
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

interface Load {
  /** Sorted latencies (ms) from each request's scheduled start. */
  latencies: number[];
  /** Completed requests per second, from the first scheduled start to the last completion. */
  achieved: number;
}

/** Requests at `rate`/s for `seconds`, each timed from its scheduled start. */
async function load(pool: Pool, path: string, rate: number, seconds: number): Promise<Load> {
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
  const elapsed = (performance.now() - started) / 1000;
  return { latencies: latencies.sort((a, b) => a - b), achieved: latencies.length / elapsed };
}

interface Served {
  url: string;
  storeEndpoint: string;
  /** The server's CPU time so far (user + system), ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc (clock ticks of 10 ms); NaN where there is no /proc. */
async function processCpuMs(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return Number.NaN;
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `policy-watch serve` (the `bin` given) on a fresh DATA_DIR, PORT=0, once it has printed its ready document. */
async function startServe(dir: string, bin: string): Promise<Served> {
  const config = join(dir, 'watch.json');
  await writeFile(
    config,
    JSON.stringify({
      organisation: { name: 'Bench', contact: 'bench@example.org' },
      sources: Array.from({ length: SOURCES }, (_, i) => ({
        id: `source-${i}`,
        kind: 'feed',
        url: `https://example.org/feed-${i}`,
      })),
      topics: TOPICS.map((id) => ({ id, title: id, query: id })),
      digests: { from: 'alerts@example.org' },
    }),
  );
  const profile = process.env.BENCH_API_CPU_PROF;
  spawnedAt = performance.now();
  const log = await open(join(dir, 'serve.log'), 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
      bin,
      'serve',
      '--json',
      '--config',
      config,
    ],
    {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: '0', MAIL_PORT: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', log.fd],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ listening: string }>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line && text.includes('\n')) resolve(JSON.parse(line) as { listening: string });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before it was ready`)));
  });
  const runtime = JSON.parse(await readFile(join(dir, 'data', 'runtime.json'), 'utf8')) as {
    storeEndpoint: string;
  };
  return {
    url: ready.listening.replace('localhost', '127.0.0.1'),
    storeEndpoint: runtime.storeEndpoint,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await log.close();
    },
  };
}

interface Target {
  /** '' for this checkout; ' (baseline)' for BENCH_API_BASELINE's. */
  suffix: string;
  served: Served;
  pool: Pool;
  store: Store;
  client: DynamoDBDocumentClient;
}

async function startTarget(bin: string, suffix: string): Promise<Target & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pw-bench-api-'));
  const served = await startServe(dir, bin);
  const client = createDocumentClient({ endpoint: served.storeEndpoint, region: 'eu-west-2' });
  const store = createDynamoStore({ client, tableName: process.env.TABLE_NAME ?? 'policy-watch' });
  return { dir, suffix, served, client, store, pool: new Pool(served.url, { connections: CONNECTIONS }) };
}

async function measure(target: Target, label: string, path: string, count: number, options: BenchOptions) {
  const { pool, served } = target;
  const idle = await load(pool, path, 20, options.quick ? 0.5 : 1); // warm-up and the unloaded figure
  const from = performance.now() - spawnedAt;
  const cpuBefore = await served.cpuMs();
  const loaded = await load(pool, path, RATE, options.quick ? 1 : 10);
  const cpuPerRequest = ((await served.cpuMs()) - cpuBefore) / loaded.latencies.length;
  if (process.env.BENCH_API_CPU_PROF) {
    const to = performance.now() - spawnedAt;
    process.stderr.write(
      `${label} ${count}: ${(from / 1000).toFixed(1)}..${(to / 1000).toFixed(1)} s after spawn\n`,
    );
  }
  const idleP50 = percentile(idle.latencies, 50);
  const p50 = percentile(loaded.latencies, 50);
  const p99 = percentile(loaded.latencies, 99);
  const name = `API ${label}, ${count} alerts, ${RATE} req/s${target.suffix}`;
  const rows: BenchRow[] = [
    { name: `${name}: p50`, baseline: idleP50, measured: p50, ratio: p50 / idleP50, unit: 'ms' },
    { name: `${name}: p99`, baseline: idleP50, measured: p99, ratio: p99 / idleP50, unit: 'ms', limit: 50 },
    {
      name: `${name}: achieved rate`,
      baseline: RATE,
      measured: loaded.achieved,
      ratio: loaded.achieved / RATE,
      unit: 'req/s',
    },
    {
      name: `${name}: server CPU per request`,
      baseline: null,
      measured: cpuPerRequest,
      ratio: null,
      unit: 'ms',
    },
  ];
  return rows;
}

export async function benchApi(options: BenchOptions): Promise<BenchRow[]> {
  const counts = options.quick ? [2_000] : [2_000, 10_000];
  const baseline = process.env.BENCH_API_BASELINE;
  const targets: (Target & { dir: string })[] = [await startTarget(BIN, '')];
  const rows: BenchRow[] = [];
  try {
    if (baseline) targets.push(await startTarget(baseline, ' (baseline)'));
    let stored = 0;
    for (const count of counts) {
      const batch = Array.from({ length: count - stored }, (_, i) => alert(stored + i));
      for (const { store } of targets) {
        for (let i = 0; i < batch.length; i += 500) await store.alerts.createMany(batch.slice(i, i + 500));
      }
      stored = count;
      // Each request on every target in turn, so a baseline meets the same machine load.
      for (const [label, path] of REQUESTS) {
        for (const target of targets) rows.push(...(await measure(target, label, path, count, options)));
      }
    }
    return rows;
  } finally {
    for (const target of targets) {
      await target.pool.close();
      target.client.destroy();
      await target.served.stop();
      await rm(target.dir, { recursive: true, force: true });
    }
  }
}
