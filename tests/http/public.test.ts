import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { makeAlert, makeFailingSourceState } from '../support/builders.ts';
import { createTestApp, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

async function json(path: string, init?: RequestInit) {
  const res = await t.app.request(path, init);
  return { res, body: (await res.json()) as Record<string, unknown> };
}

function minutes(n: number): string {
  return new Date(Date.parse('2026-03-01T00:00:00.000Z') + n * 60_000).toISOString();
}

describe('health and catalogue', () => {
  it('reports ok with never-polled sources as null', async () => {
    const { res, body } = await json('/api/health');
    expect(res.status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      sources: [
        { id: 'leg-localism', lastStatus: null, consecutiveFailures: 0 },
        { id: 'govuk-housing', lastStatus: null, consecutiveFailures: 0 },
        { id: 'lga-news', lastStatus: null, consecutiveFailures: 0 },
      ],
    });
  });

  it.each([
    [2, 'ok'],
    [3, 'degraded'],
  ])('with %i consecutive failures the status is %s', async (failures, status) => {
    await t.store.sources.put(
      makeFailingSourceState({
        sourceId: 'lga-news',
        url: 'https://www.local.gov.uk/news',
        lastPolledAt: '2026-03-10T11:00:00.000Z',
        consecutiveFailures: failures,
      }),
    );
    const { body } = await json('/api/health');
    expect(body.status).toBe(status);
    const sources = await json('/api/sources');
    expect((sources.body.items as unknown[])[2]).toEqual({
      id: 'lga-news',
      title: 'LGA news',
      kind: 'page',
      url: 'https://www.local.gov.uk/news',
      lastPolledAt: '2026-03-10T11:00:00.000Z',
      lastStatus: 'failed',
      consecutiveFailures: failures,
      lastError: 'HTTP 503 from https://www.local.gov.uk/news',
    });
  });

  it('answers 503 when the store is unreachable', async () => {
    const broken = await createTestApp();
    try {
      broken.deps.store.ping = async () => {
        throw new Error('connect ECONNREFUSED');
      };
      const res = await broken.app.request('/api/health');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
    } finally {
      await broken.close();
    }
  });

  it('lists sources with nulls when never polled, and topics', async () => {
    const { body } = await json('/api/sources');
    expect((body.items as unknown[])[0]).toEqual({
      id: 'leg-localism',
      title: 'Changes to the Localism Act 2011',
      kind: 'feed',
      url: 'https://www.legislation.gov.uk/changes/affected/ukpga/2011/20/data.feed',
      lastPolledAt: null,
      lastStatus: null,
      consecutiveFailures: 0,
      lastError: null,
    });
    const topics = await json('/api/topics');
    expect(topics.body.items).toEqual([
      {
        id: 'localism-act',
        title: 'Localism Act 2011',
        query: '"localism act" OR legislation:ukpga/2011/20',
      },
      { id: 'housing', title: 'Housing', query: 'housing OR homelessness' },
      { id: 'planning', title: 'Planning', query: 'planning' },
    ]);
  });
});

describe('alerts', () => {
  async function seed(count: number, make: (i: number) => Partial<Alert> = () => ({})): Promise<Alert[]> {
    const alerts: Alert[] = [];
    for (let i = 0; i < count; i++) {
      const alert = makeAlert({ detectedAt: minutes(i), changedAt: minutes(i), ...make(i) });
      await t.store.alerts.create(alert);
      alerts.push(alert);
    }
    return alerts;
  }

  it.each([1, 7, 20, 100])('walks every page with limit %i: no duplicates, no gaps', async (limit) => {
    // Equal detectedAt for some alerts: the id breaks the tie.
    const alerts = await seed(45, (i) =>
      i % 5 === 0 ? { detectedAt: minutes(i - 1), changedAt: minutes(i - 1) } : {},
    );
    const expected = [...alerts]
      .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt) || b.id.localeCompare(a.id))
      .map((a) => a.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/alerts?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { res, body } = await json(query);
      expect(res.status).toBe(200);
      const items = body.items as Alert[];
      cursor = body.nextCursor as string | null;
      if (cursor !== null) expect(items).toHaveLength(limit);
      else expect(items.length).toBeLessThanOrEqual(limit);
      seen.push(...items.map((a) => a.id));
      pages++;
    } while (cursor !== null && pages < 100);
    expect(seen).toEqual(expected);
  });

  it('defaults to 20 and returns Alert documents as stored', async () => {
    const alerts = await seed(25);
    const { body } = await json('/api/alerts');
    expect((body.items as Alert[]).length).toBe(20);
    expect((body.items as Alert[])[0]).toEqual(alerts[24]);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('filters by topics (any of), source, since (inclusive) and until (exclusive)', async () => {
    await seed(12, (i) => ({
      topics: [['localism-act'], ['housing'], ['planning', 'housing']][i % 3]!,
      source: i % 2 === 0 ? { id: 'leg-localism', title: 'x' } : { id: 'govuk-housing', title: 'y' },
    }));
    const ids = async (query: string) =>
      ((await json(`/api/alerts?limit=100&${query}`)).body.items as Alert[]).map((a) => a.changedAt).sort();
    expect(await ids('topic=localism-act')).toEqual([0, 3, 6, 9].map(minutes));
    expect(await ids('topic=localism-act&topic=planning')).toEqual([0, 2, 3, 5, 6, 8, 9, 11].map(minutes));
    expect(await ids('source=govuk-housing')).toEqual([1, 3, 5, 7, 9, 11].map(minutes));
    expect(await ids('topic=housing&source=leg-localism')).toEqual([2, 4, 8, 10].map(minutes));
    expect(await ids(`since=${minutes(3)}&until=${minutes(6)}`)).toEqual([3, 4, 5].map(minutes));
    // Offset-less and date-only values are read in Europe/London (GMT in early March).
    expect(await ids('since=2026-03-01T00:10&until=2026-03-02')).toEqual([10, 11].map(minutes));
    expect(await ids('until=2026-03-01')).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['since=yesterday', 'since'],
    ['until=2026-02-30', 'until'],
    ['topic=nope', 'topic'],
    ['topic=housing&topic=nope', 'topic[1]'],
    ['source=nope', 'source'],
    ['cursor=not-a-cursor', 'cursor'],
    ['cursor=', 'cursor'],
  ])('?%s → 400 naming %s', async (query, path) => {
    await seed(3);
    const { res, body } = await json(`/api/alerts?${query}`);
    expect(res.status).toBe(400);
    const error = body.error as { code: string; message: string; details: { path: string }[] };
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d) => d.path)).toContain(path);
  });

  it('caps repeated topic filters at 20 (400 naming the cap) and checks each distinct id once', async () => {
    await seed(3);
    const many = Array.from({ length: 800 }, (_, i) => `topic=nope-${i}`).join('&');
    const capped = await json(`/api/alerts?${many}`);
    expect(capped.res.status).toBe(400);
    const error = capped.body.error as { details: { path: string; message: string }[] };
    expect(error.details).toEqual([
      { path: 'topic', message: 'at most 20 topic values per request (got 800)' },
    ]);
    const twenty = Array.from({ length: 20 }, () => 'topic=housing').join('&');
    expect((await json(`/api/alerts?${twenty}`)).res.status).toBe(200);
    const odd = await json(`/api/alerts?topic=${encodeURIComponent('Not An Id!')}&topic=${'x'.repeat(300)}`);
    expect(odd.res.status).toBe(400);
    expect((odd.body.error as { details: { path: string }[] }).details.map((d) => d.path)).toEqual([
      'topic[0]',
      'topic[1]',
    ]);
  });

  it('keeps a removed topic queryable while it has alerts', async () => {
    await seed(1, () => ({ topics: ['retired-topic'] }));
    expect((await json('/api/alerts?topic=retired-topic')).res.status).toBe(200);
  });

  it('returns one alert or 404', async () => {
    const [alert] = await seed(1);
    const { res, body } = await json(`/api/alerts/${alert!.id}`);
    expect(res.status).toBe(200);
    expect(body).toEqual(alert);
    const missing = await json('/api/alerts/missing');
    expect(missing.res.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: 'no such alert' } });
  });
});

describe('atom feed', () => {
  it('renders the 50 newest alerts of a topic as valid, escaped Atom', async () => {
    for (let i = 0; i < 55; i++) {
      await t.store.alerts.create(
        makeAlert({
          id: `atom-${String(i).padStart(3, '0')}`,
          detectedAt: minutes(i),
          changedAt: minutes(i - 60),
          title: i === 54 ? 'Tags <b>&</b> "quotes"\u0001' : `Change ${i}`,
          summary: 'Summary <script>alert(1)</script>',
          whatChanged: 's. 5 words substituted',
          url: 'https://www.legislation.gov.uk/ukpga/2011/20/section/5?a=1&b=2',
        }),
      );
    }
    await t.store.alerts.create(makeAlert({ topics: ['housing'], detectedAt: minutes(100) }));
    const res = await t.app.request('/api/topics/localism-act/alerts.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const xml = await res.text();
    const $ = cheerio.load(xml, { xml: true });
    expect($('feed').attr('xmlns')).toBe('http://www.w3.org/2005/Atom');
    expect($('feed > id').text()).toBe('urn:policy-watch:topic:localism-act');
    expect($('feed > updated').text()).toBe(minutes(54 - 60));
    const entries = $('entry');
    expect(entries).toHaveLength(50);
    const first = entries.first();
    expect(first.find('id').text()).toBe('urn:policy-watch:alert:atom-054');
    expect(first.find('title').text()).toBe('Tags <b>&</b> "quotes"');
    expect(first.find('updated').text()).toBe(minutes(-6));
    expect(first.find('link').attr('href')).toBe(
      'https://www.legislation.gov.uk/ukpga/2011/20/section/5?a=1&b=2',
    );
    expect(first.find('summary').text()).toBe('s. 5 words substituted\n\nSummary <script>alert(1)</script>');
    expect(entries.last().find('id').text()).toBe('urn:policy-watch:alert:atom-005');
    expect(xml).not.toContain('<script>');
  });

  it('is 404 for an unknown topic and empty but valid for a quiet one', async () => {
    expect((await t.app.request('/api/topics/nope/alerts.atom')).status).toBe(404);
    const res = await t.app.request('/api/topics/planning/alerts.atom');
    const $ = cheerio.load(await res.text(), { xml: true });
    expect($('entry')).toHaveLength(0);
    expect($('feed > updated').text()).toBe('2026-03-10T12:00:00.000Z');
  });
});

describe('cross-cutting', () => {
  it('sets security headers on API and pages', async () => {
    for (const path of ['/api/topics', '/', '/docs']) {
      const res = await t.app.request(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    }
    const page = await t.app.request('/');
    expect(page.headers.get('content-security-policy')).toMatch(/style-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/script-src/);
  });

  it.each([
    ['/api/health', true],
    ['/api/sources', true],
    ['/api/topics', true],
    ['/api/alerts', true],
    ['/api/factsheets', false],
    ['/api/subscribers', false],
    ['/api/subscriptions', false],
  ])('CORS on %s: %s', async (path, open) => {
    const res = await t.app.request(path, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.headers.get('access-control-allow-origin') === '*').toBe(open);
    const get = await t.app.request(path, { headers: { Origin: 'https://elsewhere.example' } });
    expect(get.headers.get('access-control-allow-origin') === '*').toBe(open);
  });

  it('answers unknown API routes with a 404 JSON error and unknown pages with a page', async () => {
    const res = await t.app.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const page = await t.app.request('/nothing-here');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('logs each request as structured fields without the query string', async () => {
    await t.app.request('/api/alerts?limit=5');
    expect(t.logs).toContainEqual({
      level: 'info',
      message: 'http request',
      fields: { method: 'GET', path: '/api/alerts', status: 200, ms: expect.any(Number) },
    });
  });

  it('answers 500 with an internal error and no stack, and logs it', async () => {
    t.deps.store.alerts.get = async () => {
      throw new Error('secret internals at /srv/app.ts:12');
    };
    const res = await t.app.request('/api/alerts/x');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal', message: 'internal error; it has been logged' },
    });
    expect(text).not.toContain('secret');
    expect(t.logs.some((r) => r.level === 'error' && r.fields.path === '/api/alerts/x')).toBe(true);
  });
});
