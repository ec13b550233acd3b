/**
 * Hostile feeds and pages, end to end: each case is served by a local fixture server as the
 * `target` source, polled beside a healthy `good` source on a fresh dynalite table. Each asserts
 * what the user sees (the source's status and error in the poll report, which `poll --json`,
 * `/api/sources` and the dashboard show), that the healthy source is untouched, and, where a
 * good version was stored first, that the stored alerts did not change.
 */

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { type PollReport, runPollCycle } from '#shared/services/poll.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { parseSourceBody } from '#shared/sources/parse/source-body.ts';
import { fixture, type Route } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { item, rssOf } from '../support/rss.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const HOUR = 3_600_000;

const GOOD = rssOf([item('g1', 'Housing benefit changes')]);

const db = useDynalite();
const server = useFixtureServer({ '/good.rss': { body: GOOD, contentType: 'application/rss+xml' } });

let counter = 0;
type Kind = 'feed' | 'page' | 'govuk-search';

interface Case {
  deps: ServiceDeps;
  advance(): void;
  poll(): Promise<{ report: PollReport; target: PollReport['sources'][number] }>;
  alerts(): Promise<Alert[]>;
}

/** A fresh table and a config with `target` (on `route`) and `good`. */
async function setUp(route: Route, kind: Kind = 'feed', extra: Record<string, unknown> = {}): Promise<Case> {
  counter += 1;
  const path = `/target-${counter}`;
  server.set(path, route);
  const { store } = await db.newStore();
  const target = {
    id: 'target',
    kind,
    url: server.url(path),
    allowPrivateNetwork: true,
    backfill: 'all',
    timeoutMs: 1000,
    ...(kind === 'page' ? { select: 'main' } : {}),
    ...extra,
  };
  const config = configFrom({
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: [
      target,
      { id: 'good', kind: 'feed', url: server.url('/good.rss'), allowPrivateNetwork: true, backfill: 'all' },
    ],
    topics: [{ id: 'housing', title: 'Housing', query: 'housing OR benefit' }],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  });
  const { deps, clock } = serviceDeps({ config, store, now: NOW });
  return {
    deps,
    advance: () => clock.advance(HOUR),
    async poll() {
      const report = await runPollCycle(deps);
      const good = report.sources.find((source) => source.id === 'good');
      // The healthy source is never affected by its neighbour.
      expect(good?.status).toMatch(/^(changed|unchanged|not-modified)$/);
      const found = report.sources.find((source) => source.id === 'target');
      if (!found) throw new Error('no report for target');
      return { report, target: found };
    },
    alerts: async () => (await deps.store.alerts.list({ limit: 100, source: 'target' })).items,
  };
}

/** Polls a good version first, then the hostile one: it fails and nothing stored changes. */
async function failsKeepingState(route: Route, kind: Kind = 'feed', extra: Record<string, unknown> = {}) {
  const good: Route = { body: rssOf([item('t1', 'Housing update')]), contentType: 'application/rss+xml' };
  const c = await setUp(good, kind, extra);
  const first = await c.poll();
  expect(first.target.status).toBe('changed');
  const before = await c.alerts();
  const path = new URL(c.deps.config.sources[0]!.url).pathname;
  server.set(path, route);
  c.advance();
  const { target } = await c.poll();
  expect(target.status).toBe('failed');
  expect(await c.alerts()).toEqual(before);
  const state = await c.deps.store.sources.get('target');
  expect(state?.consecutiveFailures).toBe(1);
  return target;
}

describe('malformed documents', () => {
  it('malformed XML fails the source with a parse error', async () => {
    const target = await failsKeepingState({
      body: fixture('xml-malformed.xml'),
      contentType: 'application/rss+xml',
    });
    expect(target.error).toMatch(/feed|XML|parse|malformed/i);
  });

  it('truncated XML fails the source', async () => {
    const target = await failsKeepingState({ body: GOOD.slice(0, 120), contentType: 'application/rss+xml' });
    expect(target.error).toBeTruthy();
  });

  it('an entity-expansion bomb fails or parses unexpanded, never exhausting memory', async () => {
    const c = await setUp({ body: fixture('xml-entity-bomb.xml'), contentType: 'application/xml' });
    const { target } = await c.poll();
    expect(target.status).toBe('failed');
    expect(target.error).toMatch(/entit|DOCTYPE|DTD/i);
  });

  it('an external entity is never resolved (no local file read)', async () => {
    const c = await setUp({ body: fixture('xml-external-entity.xml'), contentType: 'application/rss+xml' });
    const { target } = await c.poll();
    if (target.status === 'failed') expect(target.error).toMatch(/entit|DOCTYPE|DTD/i);
    for (const alert of await c.alerts()) expect(alert.title).not.toMatch(/root:/);
  });
});

describe('bodies and connections', () => {
  it('a 50 MiB body stops at the 10 MiB cap', async () => {
    const target = await failsKeepingState({ fault: { kind: 'huge', bytes: 50 * 1024 * 1024 } });
    expect(target.error).toMatch(/10 MiB|too large|larger/i);
  });

  it('a body that never ends stops at the source cap', async () => {
    const target = await failsKeepingState(
      { fault: { kind: 'huge', bytes: Number.MAX_SAFE_INTEGER } },
      'feed',
      {
        maxBytes: 1024 * 1024,
      },
    );
    expect(target.error).toMatch(/1 MiB|too large|larger/i);
  });

  it('headers that never come time out', async () => {
    const target = await failsKeepingState({ fault: { kind: 'stall-headers' } });
    expect(target.error).toMatch(/timed out|timeout/i);
  });

  it('a slow drip times out on the total budget', async () => {
    const target = await failsKeepingState({
      contentType: 'application/rss+xml',
      fault: { kind: 'drip', intervalMs: 50 },
    });
    expect(target.error).toMatch(/timed out|timeout/i);
  });

  it('a gzip bomb is capped on the decompressed size', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const target = await failsKeepingState(
      { body: bomb, contentType: 'application/rss+xml', headers: { 'content-encoding': 'gzip' } },
      'feed',
      { maxBytes: 4 * 1024 * 1024 },
    );
    expect(target.error).toMatch(/4 MiB|too large|larger/i);
  });

  it('a redirect loop fails after the redirect limit', async () => {
    counter += 1;
    server.set(`/loop-a-${counter}`, { fault: { kind: 'redirect', to: `/loop-b-${counter}` } });
    server.set(`/loop-b-${counter}`, { fault: { kind: 'redirect', to: `/loop-a-${counter}` } });
    const target = await failsKeepingState({ fault: { kind: 'redirect', to: `/loop-a-${counter}` } });
    expect(target.error).toMatch(/redirect/i);
  });
});

describe('redirects to addresses that stay refused even with allowPrivateNetwork', () => {
  it.each([
    ['link-local (AWS/GCP metadata)', 'http://169.254.169.254/latest/meta-data/'],
    ['Alibaba metadata', 'http://100.100.100.200/latest/meta-data/'],
    ['AWS IPv6 metadata', 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv4-mapped link-local', 'http://[::ffff:169.254.169.254]/'],
  ])('%s', async (_, to) => {
    const target = await failsKeepingState({ fault: { kind: 'redirect', to } });
    expect(target.error).toMatch(/^refused (link-local|cloud metadata) address .*never allowed/);
  });

  it('a private address is refused without allowPrivateNetwork (first hop)', async () => {
    const c = await setUp({ body: GOOD, contentType: 'application/rss+xml' }, 'feed', {
      allowPrivateNetwork: false,
    });
    const { target } = await c.poll();
    expect(target).toMatchObject({ status: 'failed' });
    expect(target.error).toMatch(/^refused private address 127\.0\.0\.1 .*allowPrivateNetwork/);
  });
});

describe('the wrong kind of document', () => {
  it('HTML served as a feed', async () => {
    const target = await failsKeepingState({
      body: '<!doctype html><html><body><main>Hi</main></body></html>',
      contentType: 'text/html',
    });
    expect(target.error).toMatch(/HTML|content type|text\/html/i);
  });

  it('a feed served where a page is expected', async () => {
    const c = await setUp({ body: GOOD, contentType: 'application/rss+xml' }, 'page');
    const { target } = await c.poll();
    expect(target.status).toBe('failed');
    expect(target.error).toMatch(/content type|rss|expected/i);
  });

  it('no Content-Type: the body is sniffed and read as the feed it is', async () => {
    const c = await setUp({ body: rssOf([item('n1', 'Housing news')]), contentType: null });
    const { target } = await c.poll();
    expect(target).toMatchObject({ status: 'changed', alerts: 1 });
  });

  it('a page whose selector matches nothing fails and keeps the stored version', async () => {
    const c = await setUp(
      { body: '<html><body><main><p>Housing policy</p></main></body></html>', contentType: 'text/html' },
      'page',
    );
    expect((await c.poll()).target.status).toBe('changed');
    const before = await c.alerts();
    const path = new URL(c.deps.config.sources[0]!.url).pathname;
    server.set(path, { body: '<html><body><div>Redesigned</div></body></html>', contentType: 'text/html' });
    c.advance();
    const { target } = await c.poll();
    expect(target).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/selector matched nothing/),
    });
    expect(await c.alerts()).toEqual(before);
  });
});

describe('character encodings', () => {
  const title = (c: Case) => c.alerts().then((alerts) => alerts.map((alert) => alert.title));

  it('ISO-8859-1 declared in the HTTP header', async () => {
    const body = Buffer.from(rssOf([item('l1', 'Housing café £5')]), 'latin1');
    const c = await setUp({ body, contentType: 'application/rss+xml; charset=ISO-8859-1' });
    await c.poll();
    expect(await title(c)).toEqual(['Housing café £5']);
  });

  it('Windows-1252 declared only in the XML declaration', async () => {
    const c = await setUp({ body: fixture('rss-windows-1252.xml'), contentType: 'application/rss+xml' });
    const { target } = await c.poll();
    expect(target.status).not.toBe('failed');
    const text = JSON.stringify(await c.alerts());
    expect(text).not.toContain('\ufffd');
  });

  it('UTF-16 with a BOM', async () => {
    const xml = rssOf([item('u1', 'Housing – “quotes” ŵ')]).replace(
      '<?xml version="1.0"?>',
      '<?xml version="1.0" encoding="UTF-16"?>',
    );
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const c = await setUp({ body, contentType: 'application/rss+xml' });
    await c.poll();
    expect(await title(c)).toEqual(['Housing – “quotes” ŵ']);
  });

  it('a wrong charset (says UTF-8, is Latin-1) still polls, with replacement characters', async () => {
    const body = Buffer.from(rssOf([item('w1', 'Housing café')]), 'latin1');
    const c = await setUp({ body, contentType: 'application/rss+xml; charset=utf-8' });
    const { target } = await c.poll();
    expect(target.status).toBe('changed');
    expect((await title(c))[0]).toMatch(/^Housing caf/);
  });
});

describe('odd items', () => {
  it('invalid and future dates: no crash, changedAt never after detection', async () => {
    const feed = rssOf([
      item('d1', 'Housing one').replace(/<pubDate>.*<\/pubDate>/, '<pubDate>not a date at all</pubDate>'),
      item('d2', 'Housing two').replace(
        /<pubDate>.*<\/pubDate>/,
        '<pubDate>Fri, 01 Jan 2999 00:00:00 GMT</pubDate>',
      ),
      item('d3', 'Housing three').replace(/<pubDate>.*<\/pubDate>/, '<pubDate>Feb 31 2026 99:99</pubDate>'),
    ]);
    const c = await setUp({ body: feed, contentType: 'application/rss+xml' });
    const { target } = await c.poll();
    expect(target.status).toBe('changed');
    for (const alert of await c.alerts())
      expect(Date.parse(alert.changedAt)).toBeLessThanOrEqual(Date.parse(NOW));
  });

  it('missing and duplicate ids: one item per id, no crash', async () => {
    const feed = rssOf([
      item('dup', 'Housing first'),
      item('dup', 'Housing second'),
      '<item><title>Housing with no id or link</title><description>Housing</description></item>',
      '<item><description>Housing with nothing but a description</description></item>',
    ]);
    const c = await setUp({ body: feed, contentType: 'application/rss+xml' });
    const { target } = await c.poll();
    expect(target.status).toBe('changed');
    const ids = (await c.alerts()).map((alert) => alert.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a 1 MB title and a 400,000-character word are stored bounded and still match', async () => {
    const feed = rssOf([item('big', `Housing ${'t'.repeat(1024 * 1024)}`, `benefit ${'w'.repeat(400_000)}`)]);
    const c = await setUp({ body: feed, contentType: 'application/rss+xml' });
    const { target } = await c.poll();
    expect(target).toMatchObject({ status: 'changed', alerts: 1 });
    const [alert] = await c.alerts();
    expect(alert?.title.length).toBeLessThanOrEqual(300);
    expect(alert?.summary.length).toBeLessThanOrEqual(500);
  });

  it('control and bidi characters in titles are stored without breaking the JSON or lines', async () => {
    const c = await setUp({
      body: rssOf([item('c1', 'Housing\u0007 \u202eevil\u202c &#x0B; line\u2028break')]),
      contentType: 'application/rss+xml',
    });
    const { target } = await c.poll();
    expect(target.error).toBeUndefined();
    expect(target.status).toBe('changed');
    const [alert] = await c.alerts();
    expect(alert?.title).toMatch(/^Housing/);
    const codes = [...(alert?.title ?? '')].map((ch) => ch.codePointAt(0) ?? 0);
    expect(codes.filter((code) => code < 0x20 || code === 0x2028 || code === 0x202e)).toEqual([]);
  });

  it('50,000 items parse in one go (bounded by the body cap, not the item count)', async () => {
    const items = Array.from(
      { length: 50_000 },
      (_, index) => `<item><guid>i${index}</guid><title>T${index}</title></item>`,
    );
    const body = Buffer.from(rssOf(items));
    const source = configFrom({
      organisation: { name: 'x', contact: 'a@example.org' },
      sources: [{ id: 'big', kind: 'feed', url: 'https://example.org/feed' }],
      topics: [],
      digests: { from: 'a@example.org' },
    }).sources[0]!;
    const parsed = await parseSourceBody(source, body, {
      contentType: 'application/rss+xml',
      charset: null,
      url: source.url,
    });
    expect(parsed.items).toHaveLength(50_000);
  });
});

describe('GOV.UK Search API JSON', () => {
  it('nested 10,000 deep fails the source, no stack overflow', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const c = await setUp({ body: deep, contentType: 'application/json' }, 'govuk-search');
    const { target } = await c.poll();
    expect(target.status).toBe('failed');
    expect(target.error).toMatch(/results|shape|search/i);
  });

  it.each([
    ['results is not an array', '{"results": "nope"}'],
    ['results of the wrong type', '{"results": [1, "x", null, {"link": 5}]}'],
    ['not JSON at all', 'results: none'],
    ['a JSON array', '[]'],
  ])('%s fails the source or yields nothing', async (_, body) => {
    const c = await setUp({ body, contentType: 'application/json' }, 'govuk-search');
    const { target } = await c.poll();
    if (target.status !== 'failed') expect(target.alerts).toBe(0);
    else expect(target.error).toBeTruthy();
  });
});
