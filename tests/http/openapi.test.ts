import SwaggerParser from '@apidevtools/swagger-parser';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { useSharedTestApp } from '../support/http-app.ts';

const t = useSharedTestApp();

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
};

async function document(): Promise<Doc> {
  const res = await t.app.request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

const OPERATIONS = [
  'get /api/health',
  'get /api/sources',
  'get /api/topics',
  'get /api/alerts',
  'get /api/alerts/{id}',
  'get /api/topics/{id}/alerts.atom',
  'get /api/factsheets',
  'post /api/factsheets/{id}/review',
  'get /api/subscribers',
  'post /api/subscribers',
  'delete /api/subscribers/{email}',
  'post /api/subscriptions',
  'post /api/ses-notifications',
  'post /api/alerts/{id}/feedback',
  'post /api/feedback/missed',
  'get /api/feedback',
  'get /api/topics/{id}/quality',
];

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const doc = await document();
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('describes every /api route, with bearer security on the staff ones', async () => {
    const doc = await document();
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(operations.sort()).toEqual([...OPERATIONS].sort());
    expect(doc.components.securitySchemes.staffKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        const staff =
          path.startsWith('/api/factsheets') ||
          path.startsWith('/api/subscribers') ||
          path.startsWith('/api/feedback') ||
          path.endsWith('/feedback') ||
          path.endsWith('/quality');
        expect(op.security ?? [], path).toEqual(staff ? [{ staffKey: [] }] : []);
        if (staff) expect(Object.keys(op.responses)).toContain('401');
      }
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Alert',
        'AlertPage',
        'Error',
        'Factsheet',
        'Subscriber',
        'Health',
        'Source',
        'Topic',
      ]),
    );
  });
});

describe('/docs', () => {
  it('lists every operation server-side, usable without the CDN', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    const $ = cheerio.load(await res.text());
    const listed = $('#operations h3')
      .map((_, el) => $(el).text().replace(/\s+/g, ' ').trim().toLowerCase())
      .get();
    expect(listed.sort()).toEqual([...OPERATIONS].sort());
    expect($('a[href="/openapi.json"]')).toHaveLength(1);
    // Scripts only from our origin and the pinned CDN, never inline.
    $('script').each((_, el) => {
      expect($(el).attr('src')).toMatch(/^(\/docs\/init\.js|https:\/\/cdn\.jsdelivr\.net\/)/);
      expect($(el).text()).toBe('');
    });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' https://cdn.jsdelivr.net");
    expect(csp).not.toContain('unsafe-inline');
    const init = await t.app.request('/docs/init.js');
    expect(init.headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves the stylesheet pages use', async () => {
    const res = await t.app.request('/assets/app.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
  });
});
