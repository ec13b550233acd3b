/**
 * `GET /api/alerts?until=` over 2,000 alerts (500 with --quick) (one in ten backfilled, months late): the old
 * read-and-filter path (no late index yet) vs. the key-bounded one, first page of 20, median of
 * 15 runs each, plus an unfiltered first page for scale.
 */

import type { AlertQuery, Store } from '../shared/domain/ports.ts';
import type { Alert } from '../shared/domain/types.ts';
import { createTestStore } from '../tests/support/dynalite.ts';
import type { BenchOptions, BenchRow } from './run.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function alert(i: number): Alert {
  const detected = T0 + i * HOUR;
  const lag = i % 10 === 6 ? 90 * 24 * HOUR : (i % 3) * HOUR;
  return {
    id: `b${i}`,
    kind: 'new',
    topics: [`t${i % 3}`],
    matched: [{ topic: `t${i % 3}`, terms: ['w'] }],
    source: { id: `s${i % 5}`, title: 'S' },
    title: `Alert ${i}`,
    url: `https://example.org/${i}`,
    summary: 'summary',
    whatChanged: 'changed',
    publishedAt: null,
    changedAt: new Date(detected - lag).toISOString(),
    detectedAt: new Date(detected).toISOString(),
  };
}

async function median(store: Store, query: AlertQuery): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await store.alerts.list(query);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[7] ?? 0;
}

export async function benchAlertsUntil(options: BenchOptions): Promise<BenchRow[]> {
  const ALERTS = options.quick ? 500 : 2000;
  const test = await createTestStore();
  try {
    for (let i = 0; i < ALERTS; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => test.store.alerts.create(alert(i + k))));
    }
    const until = { limit: 20, cursor: null, until: new Date(T0 + 30 * 24 * HOUR).toISOString() };
    const plain = await median(test.store, { limit: 20, cursor: null });
    const filtered = await median(test.store, until);
    await test.store.alerts.prepareListings();
    const bounded = await median(test.store, until);
    return [
      {
        name: `until= first page, ${ALERTS} alerts: filter vs key bound`,
        baseline: filtered,
        measured: bounded,
        ratio: bounded / filtered,
        unit: 'ms',
      },
      {
        name: `until= key-bounded vs no filter, ${ALERTS} alerts`,
        baseline: plain,
        measured: bounded,
        ratio: bounded / plain,
        unit: 'ms',
      },
    ];
  } finally {
    await test.close();
  }
}
