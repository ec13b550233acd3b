/**
 * docs/contract.md §6 contract details found in the pre-release audit: exact Alert documents, 404 for ids that
 * cannot exist, an empty JSON review body, unencoded `+` offsets, cross-site staff writes.
 */

import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { isCrossSiteWrite } from '#shared/http/auth.ts';
import { restorePlus } from '#shared/http/routes/public-api.ts';
import { makeAlert } from '../support/builders.ts';
import { basic, bearer, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

/** An effect as the feed parser stores it: references keep the source URI for matching. */
function effectAlert(): Alert {
  return makeAlert({
    changedAt: '2026-03-05T09:00:00.000Z',
    detectedAt: '2026-03-05T09:00:00.000Z',
    legislation: {
      affected: {
        id: 'ukpga/2011/20',
        title: 'Localism Act 2011',
        uri: 'http://www.legislation.gov.uk/id/ukpga/2011/20',
      },
      affecting: { id: 'ukpga/2023/54', title: null, uri: 'http://www.legislation.gov.uk/id/ukpga/2023/54' },
      effect: 'words substituted',
      provisions: { affected: 's. 81(5)(a)', affecting: null },
      inForce: [{ date: '2025-02-24', qualification: null }],
    },
  });
}

const SPEC_LEGISLATION = {
  affected: { id: 'ukpga/2011/20', title: 'Localism Act 2011' },
  affecting: { id: 'ukpga/2023/54', title: null },
  effect: 'words substituted',
  provisions: { affected: 's. 81(5)(a)', affecting: null },
  inForce: [{ date: '2025-02-24', qualification: null }],
};

const ALERT_KEYS = [
  'id',
  'kind',
  'topics',
  'matched',
  'source',
  'title',
  'url',
  'summary',
  'whatChanged',
  'publishedAt',
  'changedAt',
  'detectedAt',
];

describe('Alert documents carry exactly the contract fields', () => {
  it('in /api/alerts, /api/alerts/{id} and factsheet evidence', async () => {
    const alert = effectAlert();
    await t.store.alerts.create(alert);
    const one = (await (await t.app.request(`/api/alerts/${alert.id}`)).json()) as Alert;
    const list = ((await (await t.app.request('/api/alerts')).json()) as { items: Alert[] }).items;
    const sheets = (await (await t.app.request('/api/factsheets', { headers: bearer() })).json()) as {
      items: { id: string; evidence: Alert[] }[];
    };
    const evidence = sheets.items.find((sheet) => sheet.id === 'lsp')!.evidence;
    for (const shown of [one, list[0]]) {
      expect(Object.keys(shown!).sort()).toEqual([...ALERT_KEYS, 'legislation'].sort());
      expect(shown!.legislation).toStrictEqual(SPEC_LEGISLATION);
    }
    // Factsheet evidence is the Alert plus why it counts.
    expect(Object.keys(evidence[0]!).sort()).toEqual([...ALERT_KEYS, 'legislation', 'because'].sort());
    expect(evidence[0]!.legislation).toStrictEqual(SPEC_LEGISLATION);
    expect((evidence[0] as Alert & { because: unknown }).because).toEqual({
      reason: 'topic',
      topics: ['localism-act'],
    });
    const reviewed = (await (
      await t.app.request('/api/factsheets/lsp/review', {
        method: 'POST',
        headers: { ...bearer(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ reviewedAt: '2026-03-01T00:00:00Z' }),
      })
    ).json()) as { evidence: Alert[] };
    expect(reviewed.evidence[0]!.legislation).toStrictEqual(SPEC_LEGISLATION);
  });

  it('omits legislation and diff when they do not apply', async () => {
    const alert = makeAlert();
    await t.store.alerts.create(alert);
    const shown = (await (await t.app.request(`/api/alerts/${alert.id}`)).json()) as Alert;
    expect(Object.keys(shown).sort()).toEqual([...ALERT_KEYS].sort());
  });
});

describe('ids that cannot exist are 404, not 400', () => {
  const long = 'x'.repeat(250);
  it.each([
    ['GET', `/api/alerts/${long}`],
    ['GET', `/api/topics/${long}/alerts.atom`],
    ['POST', `/api/factsheets/${long}/review`],
    ['DELETE', `/api/subscribers/${long}${long}%40example.org`],
  ])('%s %s', async (method, path) => {
    const res = await t.app.request(path, { method, headers: bearer() });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('POST /api/factsheets/{id}/review with a JSON content type and no body', () => {
  const empty = (id: string) =>
    t.app.request(`/api/factsheets/${id}/review`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: '',
    });

  it('records a review now (every field is optional)', async () => {
    const res = await empty('lsp');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { reviewedAt: string }).reviewedAt).toBe('2026-03-10T12:00:00.000Z');
  });

  it('is 404 for an unknown factsheet', async () => {
    expect((await empty('nope')).status).toBe(404);
  });

  it('says what to send when the body is not JSON', async () => {
    const res = await t.app.request('/api/factsheets/lsp/review', {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'note=x',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('application/json');
  });
});

describe('since/until with an unencoded + offset', () => {
  it.each([
    ['2026-03-01T10:00:00 01:00', '2026-03-01T10:00:00+01:00'],
    ['2026-03-01T10:00 0100', '2026-03-01T10:00+0100'],
    ['2026-03-01T10:00:00.5 05', '2026-03-01T10:00:00.5+05'],
    ['2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z'],
    ['2026-03-01', '2026-03-01'],
    ['yesterday 01:00', 'yesterday 01:00'],
  ])('restorePlus(%j) = %j', (input, expected) => {
    expect(restorePlus(input)).toBe(expected);
  });

  it('filters as if the + had been encoded', async () => {
    await t.store.alerts.create(makeAlert({ changedAt: '2026-03-01T08:30:00.000Z' }));
    await t.store.alerts.create(makeAlert({ changedAt: '2026-03-01T09:30:00.000Z' }));
    const res = await t.app.request('/api/alerts?since=2026-03-01T10:00:00+01:00');
    expect(res.status).toBe(200);
    const items = ((await res.json()) as { items: Alert[] }).items;
    expect(items.map((alert) => alert.changedAt)).toEqual(['2026-03-01T09:30:00.000Z']);
  });
});

describe('staff writes from another site', () => {
  it.each([
    ['POST', 'cross-site', true],
    ['DELETE', 'same-site', true],
    ['POST', 'same-origin', false],
    ['POST', 'none', false],
    ['POST', undefined, false],
    ['GET', 'cross-site', false],
    ['OPTIONS', 'cross-site', false],
  ] as const)('%s with Sec-Fetch-Site %s → refused: %s', (method, site, refused) => {
    expect(isCrossSiteWrite(method, site)).toBe(refused);
  });

  it('cannot use remembered Basic credentials to record a review', async () => {
    const forged = await t.app.request('/api/factsheets/lsp/review', {
      method: 'POST',
      headers: { ...basic(), 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(await t.store.factsheets.reviews('lsp')).toEqual([]);
    const own = await t.app.request('/api/factsheets/lsp/review', {
      method: 'POST',
      headers: { ...basic(), 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });
});

describe('/openapi.json', () => {
  it('documents the range of limit', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { parameters: { name: string; schema: Record<string, unknown> }[] } }>;
    };
    const limit = doc.paths['/api/alerts']!.get.parameters.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
  });
});

describe('/docs without the CDN', () => {
  it('says which parameters each route takes', async () => {
    const html = await (await t.app.request('/docs')).text();
    const $ = cheerio.load(html);
    const alerts = $('#operations .card')
      .filter((_, card) => $(card).find('h3 code').text() === '/api/alerts')
      .first();
    const names = alerts
      .find('li code')
      .map((_, el) => $(el).text())
      .get();
    expect(names).toEqual(['topic', 'source', 'since', 'until', 'limit', 'cursor']);
    expect(alerts.text()).toContain('page size, 1 to 100');
  });
});

describe('staff API responses', () => {
  it.each(['/api/subscribers', '/api/factsheets'])('%s is never cached', async (path) => {
    const res = await t.app.request(path, { headers: bearer() });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });
});
