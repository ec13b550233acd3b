/**
 * Poll rules at their edges (docs/contract.md §2, §3), end to end over a fixture server and dynalite:
 * a feed dated ahead of our clock is inside the backfill window (changedAt clamps it), a `new`
 * alert for an item recorded earlier without one keeps the item's date, and an empty 200
 * fails the source and keeps the stored page, so no alert says every line was removed.
 */

import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { type PollReport, runPollCycle } from '#shared/services/poll.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const HOUR = 60 * 60 * 1000;

const rss = (items: Array<{ guid: string; title: string; date: string; description: string }>) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>${items
    .map(
      (item) =>
        `<item><guid>${item.guid}</guid><title>${item.title}</title><link>https://example.org/${item.guid}</link>` +
        `<pubDate>${item.date}</pubDate><description>${item.description}</description></item>`,
    )
    .join('')}</channel></rss>`;

const AHEAD = { guid: 'ahead', title: 'Councillor guidance', date: 'Thu, 01 Oct 2026 12:05:00 GMT' };
const QUIET = { guid: 'quiet', title: 'Budget news', date: 'Sun, 20 Sep 2026 00:00:00 GMT' };
const PAGE =
  '<html><body><main><h1>Sector news</h1><p>Councillor code of conduct review.</p></main></body></html>';

const db = useDynalite();
const server = useFixtureServer();

function config(origin: string) {
  return configFrom({
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: [
      { id: 'news', kind: 'feed', url: `${origin}/news.rss`, allowPrivateNetwork: true, backfill: '30d' },
      {
        id: 'sector',
        kind: 'page',
        url: `${origin}/sector`,
        select: 'main',
        allowPrivateNetwork: true,
        backfill: 'all',
      },
    ],
    topics: [{ id: 'councillors', title: 'Councillors', query: 'councillor' }],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  });
}

const byId = (report: PollReport) => Object.fromEntries(report.sources.map((source) => [source.id, source]));

async function alertsOf(deps: ServiceDeps, source: string): Promise<Alert[]> {
  return (await deps.store.alerts.list({ limit: 100, source })).items;
}

describe('poll edge cases', () => {
  it('backfills items dated ahead of the clock and keeps the item date for a first alert', async () => {
    server.set('/news.rss', {
      body: rss([
        { ...AHEAD, description: 'New guidance.' },
        { ...QUIET, description: 'Nothing to see.' },
      ]),
      contentType: 'application/rss+xml',
    });
    server.set('/sector', { body: PAGE, contentType: 'text/html' });
    const { store } = await db.newStore();
    const { deps, clock } = serviceDeps({ config: config(server.origin), store, now: NOW });

    const first = byId(await runPollCycle(deps));
    expect(first.news).toMatchObject({ status: 'changed', newItems: 2, alerts: 1 });
    const [ahead] = await alertsOf(deps, 'news');
    expect(ahead).toMatchObject({ kind: 'new', title: AHEAD.title, changedAt: NOW, detectedAt: NOW });

    // The quiet item was recorded without an alert; its new text now matches, same date.
    server.set('/news.rss', {
      body: rss([
        { ...AHEAD, description: 'New guidance.' },
        { ...QUIET, description: 'What it means for every councillor.' },
      ]),
      contentType: 'application/rss+xml',
    });
    clock.advance(HOUR);
    const second = byId(await runPollCycle(deps));
    expect(second.news).toMatchObject({ status: 'changed', updatedItems: 1, alerts: 1 });
    const quiet = (await alertsOf(deps, 'news')).find((alert) => alert.title === QUIET.title);
    expect(quiet).toMatchObject({ kind: 'new', changedAt: '2026-09-20T00:00:00.000Z' });
  });

  it('fails an empty 200 and keeps the stored page, so nothing reads as removed', async () => {
    server.set('/news.rss', { body: rss([]), contentType: 'application/rss+xml' });
    server.set('/sector', { body: PAGE, contentType: 'text/html' });
    const { store } = await db.newStore();
    const { deps, clock } = serviceDeps({ config: config(server.origin), store, now: NOW });

    expect(byId(await runPollCycle(deps)).sector).toMatchObject({ status: 'changed', alerts: 1 });

    server.set('/sector', { body: '', contentType: 'text/html', etag: null });
    clock.advance(HOUR);
    const empty = byId(await runPollCycle(deps));
    expect(empty.sector).toMatchObject({ status: 'failed', httpStatus: 200, alerts: 0 });
    expect(empty.sector?.error).toMatch(/^empty response/);

    // No validators this time: the same page is fetched in full and compared.
    server.set('/sector', { body: PAGE, contentType: 'text/html', etag: null });
    clock.advance(HOUR);
    expect(byId(await runPollCycle(deps)).sector).toMatchObject({ status: 'unchanged', alerts: 0 });
    const alerts = await alertsOf(deps, 'sector');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.diff?.removed).toEqual([]);
  });
});
