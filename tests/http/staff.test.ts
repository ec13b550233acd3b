import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { makeAlert } from '../support/builders.ts';
import {
  basic,
  bearer,
  OTHER_STAFF_KEY,
  postJson,
  STAFF_KEY,
  type TestApp,
  useTestApp,
} from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

interface FactsheetBody {
  id: string;
  reviewedAt: string;
  stale: boolean;
  staleSince: string | null;
  evidenceCount: number;
  evidence: Alert[];
}

async function sheets(query = ''): Promise<FactsheetBody[]> {
  const res = await t.app.request(`/api/factsheets${query}`, { headers: bearer() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: FactsheetBody[] }).items;
}

describe('staff authentication', () => {
  const routes: [string, string][] = [
    ['GET', '/api/factsheets'],
    ['POST', '/api/factsheets/lsp/review'],
    ['GET', '/api/subscribers'],
    ['POST', '/api/subscribers'],
    ['DELETE', '/api/subscribers/a%40example.org'],
  ];
  const badHeaders: [string, Record<string, string>][] = [
    ['none', {}],
    ['wrong bearer', { Authorization: 'Bearer nope' }],
    ['empty bearer', { Authorization: 'Bearer ' }],
    ['key prefix', { Authorization: `Bearer ${STAFF_KEY.slice(0, -1)}` }],
    ['key with suffix', { Authorization: `Bearer ${STAFF_KEY}x` }],
    ['wrong basic password', basic('nope')],
    ['key as basic user', { Authorization: `Basic ${Buffer.from(`${STAFF_KEY}:`).toString('base64')}` }],
    ['basic not base64', { Authorization: 'Basic %%%' }],
    ['other scheme', { Authorization: `Token ${STAFF_KEY}` }],
    ['bare key', { Authorization: STAFF_KEY }],
  ];
  for (const [method, path] of routes) {
    it.each(badHeaders)(`${method} ${path} with %s → 401 Bearer challenge`, async (_name, headers) => {
      const res = await t.app.request(path, { method, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });
  }

  it.each([
    ['bearer', bearer()],
    ['second key', bearer(OTHER_STAFF_KEY)],
    ['lower-case scheme', { Authorization: `bearer ${STAFF_KEY}` }],
    ['basic with the key as password', basic()],
    ['basic with an empty user', basic(STAFF_KEY, '')],
  ])('accepts %s', async (_name, headers) => {
    expect((await t.app.request('/api/factsheets', { headers })).status).toBe(200);
  });

  it('challenges pages with Basic', async () => {
    const res = await t.app.request('/staff');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="policy-watch staff"');
    expect((await t.app.request('/staff', { headers: basic('wrong') })).status).toBe(401);
    expect((await t.app.request('/staff', { headers: basic() })).status).toBe(200);
  });
});

describe('factsheets', () => {
  it('lists factsheets with reviewedAt as configured and no evidence', async () => {
    const items = await sheets();
    expect(items.map((s) => [s.id, s.reviewedAt, s.stale, s.staleSince, s.evidenceCount])).toEqual([
      ['lsp', '2026-01-15', false, null, 0],
      ['homes', '2026-03-01', false, null, 0],
    ]);
  });

  it('flags a factsheet stale on alerts of its topics after the review, newest evidence first', async () => {
    const before = makeAlert({
      changedAt: '2026-01-15T23:00:00.000Z',
      detectedAt: '2026-01-16T09:00:00.000Z',
    });
    const first = makeAlert({
      changedAt: '2026-02-01T10:00:00.000Z',
      detectedAt: '2026-02-01T11:00:00.000Z',
    });
    const second = makeAlert({
      changedAt: '2026-02-05T10:00:00.000Z',
      detectedAt: '2026-02-05T11:00:00.000Z',
    });
    const housing = makeAlert({ topics: ['housing'], changedAt: '2026-02-05T10:00:00.000Z' });
    for (const alert of [before, first, second, housing]) await t.store.alerts.create(alert);
    const [lsp, homes] = await sheets();
    expect(lsp!.stale).toBe(true);
    expect(lsp!.staleSince).toBe(first.changedAt);
    expect(lsp!.evidence.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(lsp!.evidenceCount).toBe(2);
    // 2026-01-15 ends at midnight GMT; 23:00Z that day is not after the review.
    expect(homes!.stale).toBe(false);
    expect((await sheets('?stale=true')).map((s) => s.id)).toEqual(['lsp']);
    expect((await sheets('?stale=false')).map((s) => s.id)).toEqual(['homes']);
    const bad = await t.app.request('/api/factsheets?stale=yes', { headers: bearer() });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(
      'stale',
    );
  });

  it('caps evidence at 100 while counting all of it', async () => {
    for (let i = 0; i < 105; i++) {
      const at = new Date(Date.parse('2026-02-01T00:00:00.000Z') + i * 60_000).toISOString();
      await t.store.alerts.create(makeAlert({ changedAt: at, detectedAt: at }));
    }
    const [lsp] = await sheets();
    expect(lsp!.evidenceCount).toBe(105);
    expect(lsp!.evidence).toHaveLength(100);
    expect(lsp!.staleSince).toBe('2026-02-01T00:00:00.000Z');
  });

  it('clears on review, keeps history, and re-flags on alerts detected after the review', async () => {
    await t.store.alerts.create(
      makeAlert({ changedAt: '2026-02-01T10:00:00.000Z', detectedAt: '2026-02-01T10:00:00.000Z' }),
    );
    const review = await t.app.request(
      '/api/factsheets/lsp/review',
      postJson({ note: 'checked s. 5' }, bearer()),
    );
    expect(review.status).toBe(200);
    const body = (await review.json()) as FactsheetBody;
    expect(body).toMatchObject({
      id: 'lsp',
      reviewedAt: '2026-03-10T12:00:00.000Z',
      stale: false,
      evidenceCount: 0,
    });
    expect(await t.store.factsheets.reviews('lsp')).toEqual([
      { reviewedAt: '2026-03-10T12:00:00.000Z', note: 'checked s. 5', at: '2026-03-10T12:00:00.000Z' },
    ]);
    // An item dated long ago but only detected now still counts (detected after the review).
    t.clock.advance(60_000);
    const late = makeAlert({
      changedAt: '2025-12-01T00:00:00.000Z',
      detectedAt: t.clock.now().toISOString(),
    });
    await t.store.alerts.create(late);
    const [lsp] = await sheets();
    expect(lsp).toMatchObject({ stale: true, staleSince: late.changedAt, evidenceCount: 1 });
  });

  it('accepts a bare POST (reviewed now) and a past reviewedAt read in the config zone', async () => {
    const bare = await t.app.request('/api/factsheets/homes/review', { method: 'POST', headers: bearer() });
    expect(bare.status).toBe(200);
    const local = await t.app.request(
      '/api/factsheets/lsp/review',
      postJson({ reviewedAt: '2026-03-01T09:30' }, bearer()),
    );
    expect(((await local.json()) as FactsheetBody).reviewedAt).toBe('2026-03-01T09:30:00.000Z');
  });

  it.each([
    ['2026-03-02', '2026-03-02T23:59:59.999Z'],
    ['2026-03-10', '2026-03-10T12:00:00.000Z'],
  ])('reads the date %s as the end of that day, today as now', async (date, expected) => {
    const res = await t.app.request('/api/factsheets/lsp/review', postJson({ reviewedAt: date }, bearer()));
    expect(res.status).toBe(200);
    expect(((await res.json()) as FactsheetBody).reviewedAt).toBe(expected);
  });

  it.each([
    [{ reviewedAt: '2026-03-10T12:00:01.000Z' }, 400, 'reviewedAt'],
    [{ reviewedAt: '2026-03-11' }, 400, 'reviewedAt'],
    [{ reviewedAt: 'last tuesday' }, 400, 'reviewedAt'],
    [{ reviewedAt: 42 }, 400, 'reviewedAt'],
    [{ note: 'x'.repeat(2001) }, 400, 'note'],
    [{ reviewedAt: '2026-01-15T12:00:00Z' }, 409, null],
    [{ reviewedAt: '2025-12-31' }, 409, null],
  ])('review %j → %i', async (input, status, path) => {
    const res = await t.app.request('/api/factsheets/lsp/review', postJson(input, bearer()));
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; details?: { path: string }[] } };
    expect(body.error.code).toBe(status === 400 ? 'invalid_request' : 'conflict');
    if (path) expect(body.error.details?.map((d) => d.path)).toContain(path);
    expect(await t.store.factsheets.reviews('lsp')).toEqual([]);
  });

  it('refuses a review earlier than the last API review, 404s an unknown factsheet, 400s bad JSON', async () => {
    await t.app.request(
      '/api/factsheets/lsp/review',
      postJson({ reviewedAt: '2026-03-05T00:00:00Z' }, bearer()),
    );
    const earlier = await t.app.request(
      '/api/factsheets/lsp/review',
      postJson({ reviewedAt: '2026-03-04T00:00:00Z' }, bearer()),
    );
    expect(earlier.status).toBe(409);
    const unknown = await t.app.request('/api/factsheets/nope/review', postJson({}, bearer()));
    expect(unknown.status).toBe(404);
    const malformed = await t.app.request('/api/factsheets/lsp/review', {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: '{"note":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});

describe('subscribers', () => {
  const alice = { email: 'Alice@Example.org ', topics: ['housing'], frequency: 'daily' };

  it('creates (201, confirmed, notice sent), lists, refuses duplicates (409) and deletes (204/404)', async () => {
    const created = await t.app.request('/api/subscribers', postJson(alice, bearer()));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      email: 'alice@example.org',
      topics: ['housing'],
      frequency: 'daily',
      status: 'confirmed',
      createdAt: '2026-03-10T12:00:00.000Z',
      confirmedAt: '2026-03-10T12:00:00.000Z',
    });
    expect(t.mailer.last('alice@example.org')).toBeDefined();
    expect(t.mailer.linksTo('/manage', 'alice@example.org')).toHaveLength(1);
    expect(t.mailer.linksTo('/unsubscribe', 'alice@example.org')).toHaveLength(1);

    const again = await t.app.request(
      '/api/subscribers',
      postJson({ ...alice, email: 'alice@example.org' }, bearer()),
    );
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('conflict');

    const list = await t.app.request('/api/subscribers', { headers: bearer() });
    expect(((await list.json()) as { items: { email: string }[] }).items.map((s) => s.email)).toEqual([
      'alice@example.org',
    ]);

    const deleted = await t.app.request('/api/subscribers/ALICE%40example.org', {
      method: 'DELETE',
      headers: bearer(),
    });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(await t.store.subscribers.get('alice@example.org')).toBeNull();
    const gone = await t.app.request('/api/subscribers/alice%40example.org', {
      method: 'DELETE',
      headers: bearer(),
    });
    expect(gone.status).toBe(404);
  });

  it.each([
    [{ ...alice, email: 'not-an-email' }, 'email'],
    [{ ...alice, topics: [] }, 'topics'],
    [{ ...alice, topics: ['nope'] }, 'topics[0]'],
    [{ ...alice, frequency: 'hourly' }, 'frequency'],
    [{ topics: ['housing'], frequency: 'daily' }, 'email'],
  ])('POST /api/subscribers %j → 400 naming %s', async (input, path) => {
    const res = await t.app.request('/api/subscribers', postJson(input, bearer()));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d) => d.path)).toContain(path);
  });
});
