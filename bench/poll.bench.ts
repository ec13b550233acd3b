/**
 * Poll cycle benchmark: 200 feed sources served locally (recorded legislation.gov.uk and
 * Parliament documents, each made distinct), against an in-memory dynalite. Cold cycle (every
 * item new) vs. an unchanged cycle (conditional GET → 304) vs. an unchanged cycle without
 * validators (body hash shortcut); wall time and peak RSS.
 */

import { runPollCycle } from '../shared/services/poll.ts';
import { createTestStore } from '../tests/support/dynalite.ts';
import { fixture, type Route, startFixtureServer } from '../tests/support/fixture-server.ts';
import { configFrom, serviceDeps } from '../tests/support/service-deps.ts';
import type { BenchOptions, BenchRow } from './run.ts';
import { feedSource } from './support/corpus.ts';

export async function benchPoll(options?: BenchOptions): Promise<BenchRow[]> {
  const FEEDS = options?.quick ? 20 : 200;
  const changes = fixture('legislation-changes-affected-ukpga-2018-12.feed.xml').toString('utf8');
  const bills = fixture('parliament-bills-allpublicbills-2017.rss.xml').toString('utf8');
  const routes: Record<string, Route> = {};
  for (let i = 0; i < FEEDS; i++) {
    const body =
      i % 2 === 0 ? changes.replaceAll('key-', `key-${i}-`) : bills.replaceAll('/bills/', `/bills/${i}/`);
    routes[`/feed-${i}`] = {
      body,
      contentType: i % 2 === 0 ? 'application/atom+xml' : 'application/rss+xml',
      // Half the feeds send no validators, as many real ones do.
      ...(i % 4 === 1 ? { etag: null, lastModified: null } : {}),
    };
  }
  const server = await startFixtureServer(routes);
  const test = await createTestStore();
  const config = configFrom({
    organisation: { name: 'Bench', contact: 'bench@example.org' },
    sources: Array.from({ length: FEEDS }, (_, i) =>
      feedSource({ id: `feed-${i}`, url: server.url(`/feed-${i}`) }),
    ),
    topics: [
      { id: 'data', title: 'Data', query: 'legislation:ukpga/2018/12 OR "data protection"' },
      { id: 'bills', title: 'Bills', query: 'vehicle OR meter OR withdrawal' },
    ],
    digests: { from: 'alerts@example.org' },
    polling: { concurrency: 16, perHostConcurrency: 16, perHostRatePerSecond: 100 },
  });
  const { deps, clock } = serviceDeps({ config, store: test.store, now: '2026-10-01T12:00:00.000Z' });
  const measure = async () => {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const started = performance.now();
    const report = await runPollCycle(deps);
    const ms = performance.now() - started;
    clearInterval(sampler);
    const failed = report.sources.filter((source) => source.status === 'failed');
    if (failed.length > 0) throw new Error(`bench sources failed: ${failed[0]?.error}`);
    return { ms, peakMiB: peak / 1024 / 1024, alerts: report.alerts.length };
  };
  try {
    const cold = await measure();
    clock.advance(3_600_000);
    const warm = await measure();
    process.stderr.write(
      `cold: ${cold.alerts} alerts in ${cold.ms.toFixed(0)} ms; unchanged: ${warm.alerts} alerts\n`,
    );
    return [
      {
        name: `poll ${FEEDS} feeds: unchanged vs cold cycle (wall)`,
        baseline: cold.ms,
        measured: warm.ms,
        ratio: warm.ms / cold.ms,
        unit: 'ms',
      },
      {
        name: `poll ${FEEDS} feeds: peak RSS unchanged vs cold`,
        baseline: cold.peakMiB,
        measured: warm.peakMiB,
        ratio: warm.peakMiB / cold.peakMiB,
        unit: 'MiB',
      },
    ];
  } finally {
    await server.close();
    await test.close();
  }
}
