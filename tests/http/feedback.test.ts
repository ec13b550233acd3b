import { describe, expect, it } from 'vitest';
import { makeAlert, unjudgedQuality } from '../support/builders.ts';
import { bearer, postJson, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

async function feedbackCount(): Promise<number> {
  const res = await t.app.request('/api/feedback?limit=100', { headers: bearer() });
  return ((await res.json()) as { items: unknown[] }).items.length;
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string; details?: unknown[] } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

describe('POST /api/alerts/{id}/feedback', () => {
  it('201 with the judgement; the alert then carries `judged` everywhere it is listed', async () => {
    const alert = makeAlert({ topics: ['localism-act', 'housing'], changedAt: '2026-02-01T00:00:00.000Z' });
    await t.store.alerts.create(alert);
    const before = (await (await t.app.request(`/api/alerts/${alert.id}`)).json()) as Record<string, unknown>;
    expect(before).not.toHaveProperty('judged');

    const res = await t.app.request(
      `/api/alerts/${alert.id}/feedback`,
      postJson({ topic: 'housing', relevant: false, note: 'about housing benefit, not homes' }, bearer()),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      type: 'judgement',
      alertId: alert.id,
      topic: 'housing',
      relevant: false,
      note: 'about housing benefit, not homes',
      at: '2026-03-10T12:00:00.000Z',
    });
    const judged = [{ topic: 'housing', relevant: false }];
    expect(await (await t.app.request(`/api/alerts/${alert.id}`)).json()).toMatchObject({ judged });
    const list = (await (await t.app.request('/api/alerts')).json()) as { items: unknown[] };
    expect(list.items[0]).toMatchObject({ id: alert.id, judged });
    const sheets = (await (await t.app.request('/api/factsheets', { headers: bearer() })).json()) as {
      items: { id: string; evidence: unknown[] }[];
    };
    expect(sheets.items.find((sheet) => sheet.id === 'lsp')?.evidence[0]).toMatchObject({ judged });
  });

  it.each([
    ['missing relevant', { topic: 'housing' }, 'relevant'],
    ['relevant not a boolean', { topic: 'housing', relevant: 'yes' }, 'relevant'],
    ['a topic the alert lacks', { topic: 'planning', relevant: true }, 'topic'],
    ['an unknown topic', { topic: 'nope', relevant: true }, 'topic'],
    ['an oversized note', { topic: 'housing', relevant: true, note: 'x'.repeat(2001) }, 'note'],
  ])('400 for %s, and nothing changes', async (_, body, path) => {
    const alert = makeAlert({ topics: ['housing'] });
    await t.store.alerts.create(alert);
    const error = await expectError(
      await t.app.request(`/api/alerts/${alert.id}/feedback`, postJson(body, bearer())),
      400,
      'invalid_request',
    );
    expect(error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await feedbackCount()).toBe(0);
  });

  it('404 for an unknown alert, 401 without a staff key, 400 for a body that is not JSON', async () => {
    await expectError(
      await t.app.request(
        '/api/alerts/nope/feedback',
        postJson({ topic: 'housing', relevant: true }, bearer()),
      ),
      404,
      'not_found',
    );
    const alert = makeAlert({ topics: ['housing'] });
    await t.store.alerts.create(alert);
    const anonymous = await t.app.request(
      `/api/alerts/${alert.id}/feedback`,
      postJson({ topic: 'housing', relevant: true }),
    );
    await expectError(anonymous, 401, 'unauthorized');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    await expectError(
      await t.app.request(`/api/alerts/${alert.id}/feedback`, {
        method: 'POST',
        headers: { ...bearer(), 'Content-Type': 'application/json' },
        body: '{"topic":',
      }),
      400,
      'invalid_request',
    );
    expect(await feedbackCount()).toBe(0);
  });
});

describe('POST /api/feedback/missed', () => {
  const good = {
    title: 'Homelessness code of guidance updated',
    url: 'https://www.gov.uk/guidance/homelessness-code-of-guidance-for-local-authorities',
    topics: ['housing'],
  };

  it('201 with the missed item', async () => {
    const res = await t.app.request(
      '/api/feedback/missed',
      postJson({ ...good, summary: 'Ch. 8' }, bearer()),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      type: 'missed',
      id: body.id,
      ...good,
      summary: 'Ch. 8',
      at: '2026-03-10T12:00:00.000Z',
    });
  });

  it.each([
    ['a javascript: link', { ...good, url: 'javascript:alert(1)' }, 'url'],
    ['a relative link', { ...good, url: '/guidance' }, 'url'],
    ['an unknown topic', { ...good, topics: ['housing', 'nope'] }, 'topics[1]'],
    ['no topics', { ...good, topics: [] }, 'topics'],
    ['no title', { url: good.url, topics: good.topics }, 'title'],
    ['an oversized summary', { ...good, summary: 'x'.repeat(2001) }, 'summary'],
  ])('400 for %s, and nothing changes', async (_, body, path) => {
    const error = await expectError(
      await t.app.request('/api/feedback/missed', postJson(body, bearer())),
      400,
      'invalid_request',
    );
    expect(error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await feedbackCount()).toBe(0);
  });
});

describe('GET /api/feedback and /api/topics/{id}/quality', () => {
  it('pages with an opaque cursor; a bad cursor, limit or unknown topic is a 400', async () => {
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      await t.app.request(
        '/api/feedback/missed',
        postJson({ title: `M${i}`, url: `https://example.org/${i}`, topics: ['planning'] }, bearer()),
      );
    }
    const first = (await (
      await t.app.request('/api/feedback?topic=planning&limit=3', { headers: bearer() })
    ).json()) as {
      items: { title: string }[];
      nextCursor: string;
    };
    expect(first.items.map((item) => item.title)).toEqual(['M4', 'M3', 'M2']);
    const second = (await (
      await t.app.request(`/api/feedback?topic=planning&limit=3&cursor=${first.nextCursor}`, {
        headers: bearer(),
      })
    ).json()) as { items: { title: string }[]; nextCursor: string | null };
    expect([second.items.map((item) => item.title), second.nextCursor]).toEqual([['M1', 'M0'], null]);
    const empty = (await (
      await t.app.request('/api/feedback?topic=housing', { headers: bearer() })
    ).json()) as {
      items: unknown[];
      nextCursor: null;
    };
    expect(empty).toEqual({ items: [], nextCursor: null });

    for (const query of ['cursor=abc', 'cursor=', 'limit=0', 'limit=101', 'limit=x', 'topic=nope']) {
      await expectError(
        await t.app.request(`/api/feedback?${query}`, { headers: bearer() }),
        400,
        'invalid_request',
      );
    }
    await expectError(await t.app.request('/api/feedback'), 401, 'unauthorized');
  });

  it('quality: figures for a known topic, 404 for an unknown one, 401 without a key', async () => {
    const res = await t.app.request('/api/topics/housing/quality', { headers: bearer() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(unjudgedQuality('housing'));
    expect(res.headers.get('cache-control')).toBe('no-store');
    await expectError(
      await t.app.request('/api/topics/nope/quality', { headers: bearer() }),
      404,
      'not_found',
    );
    await expectError(await t.app.request('/api/topics/housing/quality'), 401, 'unauthorized');
  });

  it('the OpenAPI document describes the feedback routes as staff routes', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; tags?: string[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    for (const [path, method] of [
      ['/api/alerts/{id}/feedback', 'post'],
      ['/api/feedback/missed', 'post'],
      ['/api/feedback', 'get'],
      ['/api/topics/{id}/quality', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.tags).toEqual(['staff']);
      expect(doc.paths[path]?.[method]?.security).toEqual([{ staffKey: [] }]);
    }
    expect(doc.components.schemas.Alert?.properties).toHaveProperty('judged');
  });
});
