/**
 * A poll cycle end to end: real recorded feeds served by a local fixture server, the real HTTP
 * fetcher and parsers, a dynalite store. Covers conditional GET, change detection, backfill,
 * faults isolated per source, paging and crash-and-retry idempotency.
 */

import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { type PollReport, runPollCycle } from '#shared/services/poll.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixture } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const BILLS = fixture('parliament-bills-allpublicbills-2017.rss.xml').toString('utf8');
const PAGE = (extra = '') => `<!doctype html><html><head><title>Sector news</title><style>p{}</style></head>
<body><nav>Menu</nav><main><h1>Policy news</h1><p>Councillors and the community right to challenge.</p>
<script>var tracking = 1;</script>${extra}<ul><li>Neighbourhood planning briefing</li></ul></main></body></html>`;

function rawConfig(origin: string, extraSources: Record<string, unknown>[] = []) {
  const src = (
    id: string,
    kind: string,
    path: string,
    more: Record<string, unknown> = {},
  ): Record<string, unknown> => ({
    id,
    title: `Source ${id}`,
    kind,
    url: `${origin}${path}`,
    allowPrivateNetwork: true,
    backfill: 'all',
    ...more,
  });
  return {
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: [
      src('leg-changes', 'feed', '/changes.feed', { backfill: '30d' }),
      src('leg-new', 'feed', '/new.feed', { backfill: '30d' }),
      src('bills', 'feed', '/bills.rss'),
      src('govuk', 'govuk-search', '/api/search.json'),
      src('sector-page', 'page', '/news', { select: 'main' }),
      ...extraSources,
    ],
    topics: [
      {
        id: 'data-protection',
        title: 'Data protection',
        query: 'legislation:ukpga/2018/12 OR "data protection"',
      },
      { id: 'elections', title: 'Elections', query: 'election OR electoral' },
      { id: 'vehicles', title: 'Vehicles', query: 'vehicle' },
      { id: 'councillors', title: 'Councillors', query: 'source:sector-page AND (councillor OR planning)' },
    ],
    factsheets: [],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  };
}

/** `write`, except that its first call fails with `message`: a crash at that step. */
function failingOnce<A extends unknown[], R>(write: (...args: A) => Promise<R>, message: string) {
  let crashed = false;
  return async (...args: A): Promise<R> => {
    if (!crashed) {
      crashed = true;
      throw new Error(message);
    }
    return write(...args);
  };
}

function byId(report: PollReport) {
  return Object.fromEntries(report.sources.map((source) => [source.id, source]));
}

async function alertsOf(deps: ServiceDeps, source?: string): Promise<Alert[]> {
  const page = await deps.store.alerts.list({ limit: 100, ...(source ? { source } : {}) });
  return page.items;
}

const db = useDynalite();
const server = useFixtureServer({
  '/changes.feed': {
    body: fixture('legislation-changes-affected-ukpga-2018-12.feed.xml'),
    contentType: 'application/atom+xml',
  },
  '/new.feed': { body: fixture('legislation-new-data-feed-2015.xml'), contentType: 'application/atom+xml' },
  '/bills.rss': { body: BILLS, contentType: 'application/rss+xml', etag: null, lastModified: null },
  '/api/search.json': {
    body: fixture('govuk-search-api-search-json-q-tax.json'),
    contentType: 'application/json',
  },
  '/news': { body: PAGE(), contentType: 'text/html; charset=utf-8' },
});

describe('poll cycle over recorded feeds', () => {
  it('stores items, alerts matches, then sends conditional requests and finds nothing new', async () => {
    const { store } = await db.newStore();
    const { deps, clock } = serviceDeps({ config: configFrom(rawConfig(server.origin)), store, now: NOW });

    const first = await runPollCycle(deps);
    const sources = byId(first);
    expect(first.sources.map((source) => source.status)).toEqual([
      'changed',
      'changed',
      'changed',
      'changed',
      'changed',
    ]);
    expect(sources['leg-changes']).toMatchObject({
      httpStatus: 200,
      items: 3,
      newItems: 3,
      updatedItems: 0,
      alerts: 3,
    });
    // 2015 items are outside the 30-day backfill window: recorded, not alerted.
    expect(sources['leg-new']).toMatchObject({ items: 20, newItems: 20, alerts: 0 });
    expect(sources.bills).toMatchObject({ items: 4, newItems: 4, alerts: 2 });
    expect(sources['sector-page']).toMatchObject({ items: 1, newItems: 1, alerts: 1 });
    expect(first.alerts).toHaveLength(first.sources.reduce((sum, source) => sum + source.alerts, 0));

    const effects = await alertsOf(deps, 'leg-changes');
    expect(effects).toHaveLength(3);
    for (const alert of effects) {
      expect(alert.kind).toBe('new');
      expect(alert.topics).toEqual(['data-protection']);
      expect(alert.legislation?.affected?.id).toBe('ukpga/2018/12');
      expect(alert.url).toMatch(/^https:\/\/www\.legislation\.gov\.uk\/ukpga\/2018\/12/);
      expect(alert.whatChanged.length).toBeGreaterThan(10);
      expect(alert.changedAt <= alert.detectedAt).toBe(true);
    }
    const [page] = await alertsOf(deps, 'sector-page');
    expect(page).toMatchObject({ kind: 'page-changed', topics: ['councillors'] });
    expect(page?.diff?.added).toContain('Councillors and the community right to challenge.');
    expect(page?.diff?.added.join('\n')).not.toContain('tracking');

    clock.advance(60 * 60 * 1000);
    const second = await runPollCycle(deps);
    expect(byId(second)).toMatchObject({
      // Nothing is parsed again, but `items` still says what the source holds (as last read).
      'leg-changes': { status: 'not-modified', httpStatus: 304, alerts: 0, items: 3 },
      'leg-new': { status: 'not-modified', httpStatus: 304, items: 20 },
      // No validators: the unchanged body hash skips re-processing.
      bills: { status: 'unchanged', httpStatus: 200, newItems: 0, items: 4 },
      'sector-page': { status: 'not-modified', items: 1 },
    });
    expect(second.alerts).toEqual([]);
    const lastRequest = server.requests('/changes.feed').at(-1);
    expect(lastRequest?.['if-none-match']).toBeTruthy();
    expect(lastRequest?.['user-agent']).toMatch(/^policy-watch\//);
  });

  it('finds exactly the new and updated items of a mutated round', async () => {
    const { store } = await db.newStore();
    const { deps, clock } = serviceDeps({
      config: configFrom(rawConfig(server.origin)),
      store,
      now: NOW,
    });
    await runPollCycle(deps, { sourceIds: ['bills', 'sector-page'] });
    const before = await alertsOf(deps, 'bills');

    const mutated = BILLS.replace('p4:stage="2nd reading"', 'p4:stage="Committee stage"')
      .replace('2017-11-03T18:05:44Z', '2017-11-20T09:00:00Z')
      .replace(
        '</channel>',
        `<item p4:stage="1st reading" xmlns:p4="urn:services.parliament.uk-bills.ext"><guid isPermaLink="true">http://services.parliament.uk/bills/2017-19/electoralreform.html</guid><link>http://services.parliament.uk/bills/2017-19/electoralreform.html</link><category>Commons</category><title>Electoral Reform</title><description>A Bill to reform electoral law.</description><a10:updated>2017-11-21T10:00:00Z</a10:updated></item></channel>`,
      );
    server.set('/bills.rss', {
      body: mutated,
      contentType: 'application/rss+xml',
      etag: null,
      lastModified: null,
    });
    server.set('/news', {
      body: PAGE('<p>New guidance on working with ward councillors.</p>'),
      contentType: 'text/html',
    });
    clock.advance(2 * 60 * 60 * 1000);

    try {
      const report = await runPollCycle(deps, { sourceIds: ['bills', 'sector-page'] });
      const sources = byId(report);
      expect(sources.bills).toMatchObject({ status: 'changed', newItems: 1 });
      expect(sources.bills?.updatedItems).toBeGreaterThanOrEqual(1);
      const after = await alertsOf(deps, 'bills');
      const fresh = after.filter((alert) => !before.some((old) => old.id === alert.id));
      expect(fresh.map((alert) => alert.title).sort()).toEqual(expect.arrayContaining(['Electoral Reform']));
      expect(fresh.find((alert) => alert.title === 'Electoral Reform')?.kind).toBe('new');
      const [pageAlert] = (await alertsOf(deps, 'sector-page')).filter((alert) =>
        alert.diff?.added.includes('New guidance on working with ward councillors.'),
      );
      expect(pageAlert).toMatchObject({ kind: 'page-changed', diff: { removed: [] } });
      expect(pageAlert?.detectedAt).toBe(clock.now().toISOString());
    } finally {
      server.set('/bills.rss', {
        body: BILLS,
        contentType: 'application/rss+xml',
        etag: null,
        lastModified: null,
      });
      server.set('/news', { body: PAGE(), contentType: 'text/html; charset=utf-8' });
    }
  });

  it('reports faulty sources as failed with a precise error while the others complete', async () => {
    server.set('/broken-500', { fault: { kind: 'status', status: 500 } });
    server.set('/malformed', {
      body: '<rss><channel><item><title>oops</channel>',
      contentType: 'application/rss+xml',
    });
    server.set('/html-not-feed', { body: '<html><body>Hello</body></html>', contentType: 'text/html' });
    const extra = [
      { id: 'broken', kind: 'feed', url: `${server.origin}/broken-500`, allowPrivateNetwork: true },
      { id: 'malformed', kind: 'feed', url: `${server.origin}/malformed`, allowPrivateNetwork: true },
      { id: 'html', kind: 'feed', url: `${server.origin}/html-not-feed`, allowPrivateNetwork: true },
      {
        id: 'no-region',
        kind: 'page',
        url: `${server.origin}/news`,
        select: '#missing',
        allowPrivateNetwork: true,
      },
      { id: 'private', kind: 'feed', url: `${server.origin}/changes.feed` },
    ];
    const { store } = await db.newStore();
    const { deps } = serviceDeps({ config: configFrom(rawConfig(server.origin, extra)), store, now: NOW });
    const report = byId(await runPollCycle(deps));
    expect(report.broken).toMatchObject({ status: 'failed', httpStatus: 500 });
    expect(report.broken?.error).toMatch(/500/);
    expect(report.malformed).toMatchObject({ status: 'failed' });
    expect(report.html?.error).toMatch(/HTML|html/);
    expect(report['no-region']?.error).toMatch(/selector matched nothing/);
    expect(report.private?.error).toMatch(/private|loopback|127\.0\.0\.1/);
    expect(report['leg-changes']).toMatchObject({ status: 'changed', alerts: 3 });

    const states = new Map((await store.sources.list()).map((state) => [state.sourceId, state]));
    expect(states.get('broken')).toMatchObject({ lastStatus: 'failed', consecutiveFailures: 1 });
    expect(states.get('broken')?.lastError).toMatch(/500/);
    await runPollCycle(deps, { sourceIds: ['broken'] });
    expect(await store.sources.get('broken')).toMatchObject({ consecutiveFailures: 2 });
  });

  it('never duplicates an alert when a cycle crashes after alerting and is run again', async () => {
    const { store } = await db.newStore();
    const flaky = {
      ...store,
      items: {
        getMany: store.items.getMany.bind(store.items),
        getAcross: store.items.getAcross.bind(store.items),
        putMany: failingOnce(
          store.items.putMany.bind(store.items),
          'simulated crash before versions were recorded',
        ),
      },
    };
    const { deps, clock } = serviceDeps({
      config: configFrom(rawConfig(server.origin)),
      store: flaky,
      now: NOW,
    });
    const first = byId(await runPollCycle(deps, { sourceIds: ['leg-changes'] }));
    expect(first['leg-changes']).toMatchObject({ status: 'failed' });
    expect(first['leg-changes']?.error).toMatch(/simulated crash/);
    expect(await alertsOf(deps)).toHaveLength(3);

    clock.advance(60_000);
    const again = await runPollCycle(deps, { sourceIds: ['leg-changes'] });
    // The validators were not kept after the failure, so the feed is fetched and re-detected.
    expect(byId(again)['leg-changes']).toMatchObject({ status: 'changed', newItems: 3, alerts: 0 });
    expect(await alertsOf(deps)).toHaveLength(3);
    const third = await runPollCycle(deps, { sourceIds: ['leg-changes'] });
    expect(byId(third)['leg-changes']?.status).toBe('not-modified');
  });

  it('reads no stored versions for a source never polled', async () => {
    const { store } = await db.newStore();
    const reads: string[] = [];
    const counted = {
      ...store,
      items: {
        ...store.items,
        getMany: (sourceId: string, keys: readonly string[]) => {
          reads.push(sourceId);
          return store.items.getMany(sourceId, keys);
        },
        getAcross: (refs: Parameters<typeof store.items.getAcross>[0]) => {
          reads.push(...refs.map((ref) => ref.sourceId));
          return store.items.getAcross(refs);
        },
      },
    };
    const { deps } = serviceDeps({ config: configFrom(rawConfig(server.origin)), store: counted, now: NOW });
    const first = byId(await runPollCycle(deps, { sourceIds: ['leg-changes'] }));
    expect(first['leg-changes']).toMatchObject({ status: 'changed', newItems: 3, alerts: 3 });
    expect(reads).toEqual([]);
    expect(await store.sources.get('leg-changes')).toMatchObject({ itemCount: 3 });
  });

  it('never duplicates an alert when a first poll crashes after its versions, before its state', async () => {
    const { store } = await db.newStore();
    const flaky = {
      ...store,
      sources: {
        ...store.sources,
        putMany: failingOnce(
          store.sources.putMany.bind(store.sources),
          'simulated crash before the state was recorded',
        ),
      },
    };
    const { deps, clock } = serviceDeps({
      config: configFrom(rawConfig(server.origin)),
      store: flaky,
      now: NOW,
    });
    const first = byId(await runPollCycle(deps, { sourceIds: ['leg-changes'] }));
    expect(first['leg-changes']).toMatchObject({ status: 'changed', alerts: 3 });
    expect(await store.sources.get('leg-changes')).toBeNull();
    const alerts = (await alertsOf(deps)).map((alert) => alert.id).sort();
    expect(alerts).toHaveLength(3);

    clock.advance(60_000);
    // No state, so its stored versions are not read: the items count as new again, and the
    // alerts they would make are the ones already there.
    const again = byId(await runPollCycle(deps, { sourceIds: ['leg-changes'] }));
    expect(again['leg-changes']).toMatchObject({ status: 'changed', newItems: 3, alerts: 0 });
    expect((await alertsOf(deps)).map((alert) => alert.id).sort()).toEqual(alerts);
    const third = byId(await runPollCycle(deps, { sourceIds: ['leg-changes'] }));
    expect(third['leg-changes']?.status).toBe('not-modified');
  });

  it('applies the backfill modes on a first poll', async () => {
    const cases = [
      { backfill: 'none', alerts: 0 },
      { backfill: 'all', alerts: 3 },
      { backfill: '30d', alerts: 3 },
      { backfill: '1d', alerts: 0 },
    ];
    for (const { backfill, alerts } of cases) {
      const raw = rawConfig(server.origin);
      raw.sources = raw.sources.map((source) =>
        source.id === 'leg-changes' ? { ...source, backfill } : source,
      );
      const { store } = await db.newStore();
      const { deps } = serviceDeps({ config: configFrom(raw), store, now: NOW });
      const report = byId(await runPollCycle(deps, { sourceIds: ['leg-changes'] }));
      expect({
        backfill,
        alerts: report['leg-changes']?.alerts,
        newItems: report['leg-changes']?.newItems,
      }).toEqual({
        backfill,
        alerts,
        newItems: 3,
      });
    }
  });

  it('drops validators and polls as a first poll when a source URL changes', async () => {
    const { store } = await db.newStore();
    const raw = rawConfig(server.origin);
    const { deps } = serviceDeps({ config: configFrom(raw), store, now: NOW });
    await runPollCycle(deps, { sourceIds: ['leg-changes'] });
    server.set('/changes-moved.feed', {
      body: fixture('legislation-changes-affected-ukpga-2018-12.feed.xml'),
      contentType: 'application/atom+xml',
    });
    raw.sources = raw.sources.map((source) =>
      source.id === 'leg-changes' ? { ...source, url: `${server.origin}/changes-moved.feed` } : source,
    );
    const moved = { ...deps, config: configFrom(raw) };
    const report = byId(await runPollCycle(moved, { sourceIds: ['leg-changes'] }));
    expect(report['leg-changes']).toMatchObject({ status: 'unchanged', httpStatus: 200, alerts: 0 });
    expect(server.requests('/changes-moved.feed')[0]?.['if-none-match']).toBeUndefined();
  });
});

describe('feed entry fingerprints', () => {
  const DATA_PROTECTION = 'http://services.parliament.uk/bills/2017-19/dataprotection.html';
  const WITHDRAWAL = 'http://services.parliament.uk/bills/2017-19/europeanunionwithdrawal.html';
  const serve = (body: string) =>
    server.set('/bills.rss', { body, contentType: 'application/rss+xml', etag: null, lastModified: null });

  /** A store whose item writes are recorded, key by key, per poll. */
  async function recordingStore() {
    const { store } = await db.newStore();
    const written: string[][] = [];
    const recording = {
      ...store,
      items: {
        ...store.items,
        putMany: async (items: Parameters<typeof store.items.putMany>[0]) => {
          written.at(-1)?.push(...items.map((item) => item.key));
          return store.items.putMany(items);
        },
      },
    };
    const { deps, clock } = serviceDeps({
      config: configFrom(rawConfig(server.origin)),
      store: recording,
      now: NOW,
    });
    const poll = async () => {
      written.push([]);
      clock.advance(60 * 60 * 1000);
      return byId(await runPollCycle(deps, { sourceIds: ['bills'] })).bills;
    };
    return { store, poll, written };
  }

  it('stores each version with its entry’s fingerprint and converts only entries whose fingerprint changed', async () => {
    serve(BILLS);
    try {
      const { store, poll } = await recordingStore();
      const first = await poll();
      const stored = await store.items.getMany('bills', [DATA_PROTECTION, WITHDRAWAL]);
      expect(stored.get(DATA_PROTECTION)?.fingerprint).toMatch(/^c1\.[\w-]{22}$/);
      expect(stored.get(WITHDRAWAL)?.fingerprint).not.toBe(stored.get(DATA_PROTECTION)?.fingerprint);

      // A stored version that no longer matches its entry: only a conversion would notice.
      const withdrawal = stored.get(WITHDRAWAL)!;
      await store.items.putMany([{ ...withdrawal, version: 'not-what-the-entry-converts-to' }]);
      serve(BILLS.replace('<title>Data Protection</title>', '<title>Data Protection (Amended)</title>'));
      const second = await poll();
      // The changed entry is converted and updated; the other, fingerprint unchanged, is not converted.
      expect(second).toMatchObject({ status: 'changed', newItems: 0, updatedItems: 1, items: first?.items });
      const after = await store.items.getMany('bills', [DATA_PROTECTION, WITHDRAWAL]);
      expect(after.get(WITHDRAWAL)?.version).toBe('not-what-the-entry-converts-to');
      expect(after.get(DATA_PROTECTION)?.fingerprint).not.toBe(stored.get(DATA_PROTECTION)?.fingerprint);
    } finally {
      serve(BILLS);
    }
  });

  it('gives records from before fingerprints one, once, and never rewrites an entry for markup noise', async () => {
    serve(BILLS);
    try {
      const { store, poll, written } = await recordingStore();
      const first = await poll();
      // Records as an earlier release wrote them: no fingerprint.
      const keys = [DATA_PROTECTION, WITHDRAWAL];
      const stored = [...(await store.items.getMany('bills', keys)).values()];
      await store.items.putMany(stored.map(({ fingerprint: _dropped, ...item }) => item));

      serve(BILLS.replace('</channel>', '<!-- rebuilt --></channel>'));
      const upgraded = await poll();
      expect(upgraded).toMatchObject({ status: 'unchanged', newItems: 0, updatedItems: 0, alerts: 0 });
      expect(written.at(-1)?.sort()).toEqual(keys.sort());
      const again = await store.items.getMany('bills', keys);
      for (const item of stored) {
        expect(again.get(item.key)).toMatchObject({ version: item.version, fingerprint: item.fingerprint });
      }

      // Whitespace inside a title changes the entry, not its version: converted, not rewritten.
      serve(BILLS.replace('<title>Data Protection</title>', '<title>  Data Protection </title>'));
      const noisy = await poll();
      expect(noisy).toMatchObject({ status: 'unchanged', updatedItems: 0, alerts: 0, items: first?.items });
      expect(written.at(-1)).toEqual([]);
    } finally {
      serve(BILLS);
    }
  });
});
