/**
 * Hostile config and API input: invalid values and unparsable queries (`check`), oversized,
 * malformed, deep and wrongly typed JSON, traversal and injection in ids, filters and cursors,
 * forged/replayed/expired tokens, huge Authorization headers, and path and method variants of
 * the staff routes. Each asserts the precise error a caller sees and that nothing was stored.
 */

import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/schema.ts';
import { signToken } from '#shared/mail/tokens.ts';
import { makeAlert, NOW } from '../support/builders.ts';
import { bearer, postJson, STAFF_KEY, TEST_CONFIG, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const SECRET = 'test-signing-secret-which-is-long-enough';
const subscribe = { email: 'ann@example.org', topics: ['housing'], frequency: 'daily' };

async function nothingStored() {
  expect(await t.store.subscribers.list()).toEqual([]);
  expect(t.mailer.sent).toHaveLength(0);
}

describe('config (check)', () => {
  it('reports every invalid value with its path', () => {
    const result = parseConfig({
      ...TEST_CONFIG,
      organisation: { name: '', contact: 'not-an-email' },
      sources: [
        { id: 'Bad Id', kind: 'feed', url: 'ftp://example.org/x', every: '1s' },
        { id: 'x', kind: 'telepathy', url: 'https://example.org' },
      ],
      digests: { from: 'alerts@example.org', daily: '99 * * *', timezone: 'Mars/Olympus' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((error) => error.path);
    for (const path of [
      'organisation.name',
      'organisation.contact',
      'sources[0].id',
      'sources[0].url',
      'sources[0].every',
      'sources[1].kind',
      'digests.daily',
      'digests.timezone',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it.each([
    ['"unclosed phrase', 1],
    ['housing AND', 9],
    ['(housing OR', 12],
    ['OR housing', 1],
    ['NOT housing', 1],
  ])('an unparsable query %j is an error with its column', (query, column) => {
    const result = parseConfig({ ...TEST_CONFIG, topics: [{ id: 't', title: 'T', query }], factsheets: [] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [error] = result.errors;
    expect(error?.path).toBe('topics[0].query');
    expect(error?.column).toBeGreaterThanOrEqual(1);
    expect(error?.column).toBeLessThanOrEqual(Math.max(column, query.length + 1));
  });

  it('wrong types everywhere are reported, not thrown', () => {
    for (const raw of [null, 42, 'x', [], { organisation: 5, sources: {}, topics: 'x', digests: [] }]) {
      const result = parseConfig(raw);
      expect(result.ok).toBe(false);
    }
  });
});

describe('request bodies', () => {
  it('an oversized body is 413 payload_too_large', async () => {
    const response = await t.app.request(
      '/api/subscriptions',
      postJson({ ...subscribe, pad: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    await nothingStored();
  });

  it.each([
    ['malformed JSON', '{"email": "ann@example.org",'],
    ['JSON nested 10,000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['an array', '[]'],
    ['a string', '"subscribe me"'],
    ['empty', ''],
  ])('%s is 400 invalid_request', async (_, body) => {
    const response = await t.app.request('/api/subscriptions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_request');
    await nothingStored();
  });

  it('wrong types are 400 with the path of each', async () => {
    const response = await t.app.request(
      '/api/subscriptions',
      postJson({ email: 5, topics: 'housing', frequency: ['daily'] }),
    );
    expect(response.status).toBe(400);
    const paths = ((await errorOf(response)).details ?? []).map((detail) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'topics', 'frequency']));
    await nothingStored();
  });

  it('a staff review with wrong types or a future date is 400 and records nothing', async () => {
    for (const body of [{ reviewedAt: 5 }, { reviewedAt: '2999-01-01T00:00:00Z' }, { note: { $ne: 1 } }]) {
      const response = await t.app.request('/api/factsheets/lsp/review', postJson(body, bearer()));
      expect(response.status).toBe(400);
    }
    expect(await t.store.factsheets.reviews('lsp')).toEqual([]);
  });
});

describe('ids, filters and cursors', () => {
  it.each([
    '/api/alerts/..%2F..%2Fetc%2Fpasswd',
    '/api/alerts/%00',
    "/api/alerts/'%20OR%20'1'='1",
    '/api/topics/..%2Fhousing/alerts.atom',
    '/api/topics/housing%00/alerts.atom',
  ])('%s is 404 not_found', async (path) => {
    await t.store.alerts.create(makeAlert());
    const response = await t.app.request(path);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });

  it.each([
    ["topic=' OR 1=1 --", 'topic'],
    ['source=<script>', 'source'],
    ['since=2026-13-45', 'since'],
    ['until=yesterday', 'until'],
    ['limit=1e9', 'limit'],
    ['limit=-1', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('{"pk":"SUBSCRIBER#ann@example.org","sk":"x"}').toString('base64url')}`, 'cursor'],
    [`cursor=${'A'.repeat(10_000)}`, 'cursor'],
  ])('%s is 400 naming %s', async (query, path) => {
    const response = await t.app.request(`/api/alerts?${query}`);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    expect(JSON.stringify(error)).toContain(path);
  });

  it('a staff delete of a traversal path is 404 and erases nothing', async () => {
    await t.app.request('/api/subscribers', postJson(subscribe, bearer()));
    const response = await t.app.request('/api/subscribers/..%2F..%2Fann%40example.org', {
      method: 'DELETE',
      headers: bearer(),
    });
    expect(response.status).toBe(404);
    expect(await t.store.subscribers.get('ann@example.org')).not.toBeNull();
  });
});

describe('tokens', () => {
  const now = Date.parse(NOW);

  it.each([
    ['random', 'abc.def'],
    ['empty', ''],
    ['huge', 'x'.repeat(50_000)],
    [
      'tampered signature',
      `${signToken({ purpose: 'unsubscribe', email: 'ann@example.org', version: 1, expiresAt: null }, SECRET).slice(0, -4)}AAAA`,
    ],
    [
      'signed with another secret',
      signToken(
        { purpose: 'unsubscribe', email: 'ann@example.org', version: 1, expiresAt: null },
        'another-secret-entirely-0000',
      ),
    ],
    [
      'another purpose (confirm)',
      signToken({ purpose: 'confirm', email: 'ann@example.org', version: 1, expiresAt: null }, SECRET),
    ],
  ])('a %s unsubscribe token is a 400 page and changes nothing', async (_, token) => {
    const response = await t.app.request(`/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('an expired confirmation token is a 410 page', async () => {
    const token = signToken(
      {
        purpose: 'confirm',
        email: 'ann@example.org',
        version: 1,
        expiresAt: now - 1000,
        topics: ['housing'],
        frequency: 'daily',
      },
      SECRET,
    );
    const response = await t.app.request(`/subscriptions/confirm?token=${encodeURIComponent(token)}`, {
      method: 'POST',
    });
    expect(response.status).toBe(410);
    await nothingStored();
  });

  it('a replayed one-click unsubscribe is fine (200 twice); a token of a deleted subscription is 410', async () => {
    await t.app.request('/api/subscribers', postJson(subscribe, bearer()));
    const subscriber = await t.store.subscribers.get('ann@example.org');
    const token = signToken(
      { purpose: 'unsubscribe', email: 'ann@example.org', version: subscriber!.version, expiresAt: null },
      SECRET,
    );
    const post = () =>
      t.app.request(`/unsubscribe?token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    await t.app.request('/api/subscribers/ann%40example.org', { method: 'DELETE', headers: bearer() });
    expect((await post()).status).toBe(410);
  });
});

describe('staff routes', () => {
  it.each([
    ['64 KiB bearer', { Authorization: `Bearer ${'k'.repeat(64 * 1024)}` }],
    ['64 KiB basic', { Authorization: `Basic ${'QUFB'.repeat(16 * 1024)}` }],
    ['the key with a trailing NUL', { Authorization: `Bearer ${STAFF_KEY}%00` }],
    ['the key as a user name', { Authorization: `Basic ${Buffer.from(`${STAFF_KEY}:`).toString('base64')}` }],
    ['two schemes', { Authorization: `Bearer x, Bearer ${STAFF_KEY}` }],
  ])('%s is 401', async (_, headers) => {
    const response = await t.app.request('/api/factsheets', { headers });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthorized');
  });

  it.each([
    '/api/factsheets/',
    '/api//factsheets',
    '/api/./factsheets',
    '/API/factsheets',
    '/api/%66actsheets',
    '/api/factsheets%2F',
    '/api/factsheets?stale=true&stale=false',
    '/api/subscribers/',
    '/staff/',
    '/STAFF',
    '/staff/subscribers/',
  ])('%s without a key never shows staff data', async (path) => {
    const response = await t.app.request(path);
    expect([401, 404]).toContain(response.status);
    const text = await response.text();
    expect(text).not.toContain('Local strategic partnerships');
  });

  it.each(['PUT', 'PATCH', 'DELETE', 'GET'])('%s on the review route records nothing', async (method) => {
    const response = await t.app.request('/api/factsheets/lsp/review', {
      method,
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
    expect([404, 405]).toContain(response.status);
    expect(await t.store.factsheets.reviews('lsp')).toEqual([]);
  });

  it('HEAD and OPTIONS without a key reveal nothing', async () => {
    expect((await t.app.request('/api/subscribers', { method: 'HEAD' })).status).toBe(401);
    const options = await t.app.request('/api/subscribers', { method: 'OPTIONS' });
    expect(options.status).not.toBe(200);
  });
});
