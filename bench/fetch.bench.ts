/**
 * @module Fetching and parsing costs against the local fixture server: what politeness costs
 * (per-host concurrency 1 vs 4), what a 304 saves over a full fetch and parse, what our item
 * mapping adds to rss-parser, and how much memory refusing a 50 MiB body takes.
 */
import Parser from 'rss-parser';
import { SourceSchema } from '../shared/config/schema.ts';
import { createHttpFetcher } from '../shared/sources/fetch/fetcher.ts';
import { parseFeed } from '../shared/sources/parse/feed.ts';
import { parseSourceBody } from '../shared/sources/parse/source-body.ts';
import { fixture, startFixtureServer } from '../tests/support/fixture-server.ts';
import type { BenchRow } from './run.ts';

const UA = 'policy-watch/bench (+mailto:bench@example.org; Bench)';
const row = (name: string, baseline: number, measured: number, unit: string): BenchRow => ({
  name,
  baseline,
  measured,
  ratio: measured / baseline,
  unit,
});

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export async function benchFetch(): Promise<BenchRow[]> {
  const feedXml = fixture('legislation-new-data-feed-2015.xml');
  const server = await startFixtureServer({
    '/feed': { body: feedXml, contentType: 'application/atom+xml', delayMs: 20 },
    '/huge': { fault: { kind: 'huge', bytes: 50 * 1024 * 1024 }, contentType: 'application/atom+xml' },
  });
  const rows: BenchRow[] = [];
  try {
    const fetchMany = async (perHostConcurrency: number) => {
      const fetcher = createHttpFetcher({ userAgent: UA, perHostConcurrency, perHostRatePerSecond: 10_000 });
      const ms = await timed(() =>
        Promise.all(
          Array.from({ length: 40 }, () =>
            fetcher.fetch({ url: server.url('/feed'), allowPrivateNetwork: true }),
          ),
        ),
      );
      await fetcher.close();
      return ms;
    };
    rows.push(
      row('40 fetches, 1 per host at a time vs 4 (slowdown)', await fetchMany(4), await fetchMany(1), 'ms'),
    );

    const fetcher = createHttpFetcher({ userAgent: UA, perHostRatePerSecond: 10_000 });
    const source = SourceSchema.parse({ id: 'bench', kind: 'feed', url: server.url('/feed') });
    const first = await fetcher.fetch({ url: server.url('/feed'), allowPrivateNetwork: true });
    if (first.status !== 'ok') throw new Error('expected a body');
    const full = await timed(async () => {
      for (let i = 0; i < 20; i++) {
        const result = await fetcher.fetch({ url: server.url('/feed'), allowPrivateNetwork: true });
        if (result.status === 'ok') await parseSourceBody(source, result.body, { ...result });
      }
    });
    const conditional = await timed(async () => {
      for (let i = 0; i < 20; i++) {
        await fetcher.fetch({ url: server.url('/feed'), allowPrivateNetwork: true, etag: first.etag });
      }
    });
    rows.push(row('20 polls: 304 vs 200 + parse (cost share)', full, conditional, 'ms'));

    const before = process.memoryUsage().rss;
    await fetcher.fetch({ url: server.url('/huge'), allowPrivateNetwork: true }).catch(() => undefined);
    const growth = (process.memoryUsage().rss - before) / (1024 * 1024);
    rows.push(row('refusing a 50 MiB body: rss growth vs body size', 50, Math.max(growth, 0.01), 'MiB'));
    await fetcher.close();
  } finally {
    await server.close();
  }

  const text = feedXml.toString('utf8');
  const plain = new Parser();
  const rawMs = await timed(async () => {
    for (let i = 0; i < 50; i++) await plain.parseString(text);
  });
  const oursMs = await timed(async () => {
    for (let i = 0; i < 50; i++) await parseFeed(text, 'https://www.legislation.gov.uk/new/data.feed');
  });
  rows.push(row('parse 75 KB Atom ×50: parseFeed vs bare rss-parser', rawMs, oursMs, 'ms'));
  return rows;
}
