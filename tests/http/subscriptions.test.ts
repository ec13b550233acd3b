import * as cheerio from 'cheerio';
import { beforeEach, describe, expect, it } from 'vitest';
import { subscriberLinks } from '#shared/services/subscriptions.ts';
import { useDynalite } from '../support/hooks.ts';
import { createTestApp, postJson, type TestApp } from '../support/http-app.ts';

let t: TestApp;

const dynalite = useDynalite();
beforeEach(async () => {
  t = await createTestApp({ dynalite, clientAddress: '192.0.2.10' });
});

const request = { email: 'Bob@Example.org', topics: ['housing', 'planning'], frequency: 'weekly' };

/** Path and query of a link from an email, for app.request(). */
function local(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

async function subscribeAndGetConfirmLink(input = request): Promise<string> {
  const res = await t.app.request('/api/subscriptions', postJson(input));
  expect(res.status).toBe(202);
  const [link] = t.mailer.linksTo('/subscriptions/confirm', input.email.toLowerCase());
  expect(link).toBeDefined();
  return local(link!);
}

function form(fields: Record<string, string | string[]>): RequestInit {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body };
}

async function page(path: string, init?: RequestInit) {
  const res = await t.app.request(path, init);
  const html = await res.text();
  return { res, html, $: cheerio.load(html) };
}

describe('POST /api/subscriptions', () => {
  it('answers 202 pending for new and known addresses alike and emails a confirmation link', async () => {
    const res = await t.app.request('/api/subscriptions', postJson(request));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending' });
    const link = t.mailer.linksTo('/subscriptions/confirm', 'bob@example.org')[0]!;
    expect(link.startsWith('http://policy-watch.test/subscriptions/confirm?token=')).toBe(true);
    const again = await t.app.request('/api/subscriptions', postJson(request));
    expect(again.status).toBe(202);
  });

  it.each([
    [{ ...request, email: 'nope' }, 'email'],
    [{ ...request, email: '' }, 'email'],
    [{ ...request, topics: [] }, 'topics'],
    [{ ...request, topics: ['housing', 'nope'] }, 'topics[1]'],
    [{ ...request, frequency: 'often' }, 'frequency'],
    [{ email: 'bob@example.org' }, 'topics'],
  ])('%j → 400 naming %s', async (input, path) => {
    const res = await t.app.request('/api/subscriptions', postJson(input));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d) => d.path)).toContain(path);
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('rate limits more than 5 an hour per address with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.app.request('/api/subscriptions', postJson(request))).status).toBe(202);
    }
    const res = await t.app.request('/api/subscriptions', postJson(request));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('counts +tag and Gmail dot variants of one inbox against the same address limit', async () => {
    const variants = [
      'ann+1@gmail.com',
      'a.nn+2@gmail.com',
      'ANN@googlemail.com',
      'an.n+x@gmail.com',
      'ann@gmail.com',
    ];
    for (const email of variants) {
      expect((await t.app.request('/api/subscriptions', postJson({ ...request, email }))).status).toBe(202);
    }
    const res = await t.app.request(
      '/api/subscriptions',
      postJson({ ...request, email: 'a.n.n+6@gmail.com' }),
    );
    expect(res.status).toBe(429);
    // The subscription itself keeps the address as typed.
    expect(await t.store.subscribers.get('a.nn+2@gmail.com')).not.toBeNull();
  });

  it('rate limits more than 20 an hour per client address', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await t.app.request(
        '/api/subscriptions',
        postJson({ ...request, email: `p${i}@example.org` }),
      );
      expect(res.status).toBe(202);
    }
    const res = await t.app.request('/api/subscriptions', postJson({ ...request, email: 'p99@example.org' }));
    expect(res.status).toBe(429);
    const other = await createTestApp({ dynalite, clientAddress: '192.0.2.11' });
    other.deps.store = t.deps.store;
    expect(
      (await other.app.request('/api/subscriptions', postJson({ ...request, email: 'q@example.org' })))
        .status,
    ).toBe(202);
  });

  it('refuses bodies over 64 KiB with 413 JSON, and non-JSON with 400', async () => {
    const big = await t.app.request('/api/subscriptions', postJson({ ...request, pad: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const text = await t.app.request('/api/subscriptions', {
      method: 'POST',
      body: 'email=x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
  });
});

describe('subscriber pages', () => {
  it('confirms only on POST, and confirming twice is fine', async () => {
    const link = await subscribeAndGetConfirmLink();
    const get = await page(link);
    expect(get.res.status).toBe(200);
    expect(get.$('form[method=post] button').text()).toContain('Confirm');
    expect(get.$('form').attr('action')).toBe(link);
    expect((await t.store.subscribers.get('bob@example.org'))?.status).toBe('pending');
    const post = await page(link, { method: 'POST' });
    expect(post.res.status).toBe(200);
    expect(post.$('h1').text()).toBe('Subscription confirmed');
    expect((await t.store.subscribers.get('bob@example.org'))?.status).toBe('confirmed');
    expect((await page(link, { method: 'POST' })).res.status).toBe(200);
  });

  it.each([
    ['', 400],
    ['garbage', 400],
    ['eyJwIjoiY29uZmlybSJ9.AAAA', 400],
  ])('a malformed or forged token %j → %i page', async (token, status) => {
    for (const path of ['/subscriptions/confirm', '/manage', '/unsubscribe']) {
      for (const method of ['GET', 'POST']) {
        const res = await t.app.request(`${path}?token=${token}`, { method });
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
      }
    }
  });

  it('an expired confirmation link → 410; a revoked manage link → 410', async () => {
    const link = await subscribeAndGetConfirmLink();
    t.clock.advance(8 * 24 * 3600 * 1000);
    expect((await t.app.request(link)).status).toBe(410);
    expect((await t.app.request(link, { method: 'POST' })).status).toBe(410);

    await t.app.request(
      '/api/subscribers',
      postJson(
        { email: 'carol@example.org', topics: ['housing'], frequency: 'daily' },
        { Authorization: 'Bearer staff-key-0123456789abcdef' },
      ),
    );
    const manage = local(t.mailer.linksTo('/manage', 'carol@example.org')[0]!);
    expect((await t.app.request(manage)).status).toBe(200);
    await t.app.request('/api/subscribers/carol%40example.org', {
      method: 'DELETE',
      headers: { Authorization: 'Bearer staff-key-0123456789abcdef' },
    });
    expect((await t.app.request(manage)).status).toBe(410);
  });

  it('manages topics and frequency with a CSRF-protected form, and leaves', async () => {
    const confirmed = await page(await subscribeAndGetConfirmLink(), { method: 'POST' });
    const manageLink = confirmed.$('main a[href^="/manage?token="]').attr('href')!;
    expect(manageLink).toBeDefined();
    const get = await page(manageLink);
    expect(get.res.status).toBe(200);
    expect(
      get
        .$('input[name=topics]:checked')
        .map((_, el) => get.$(el).val())
        .get(),
    ).toEqual(['housing', 'planning']);
    expect(get.$('input[name=frequency]:checked').val()).toBe('weekly');
    const csrf = String(get.$('input[name=csrf]').first().val());

    const forged = await page(manageLink, form({ action: 'update', topics: 'housing', frequency: 'daily' }));
    expect(forged.res.status).toBe(400);
    expect((await t.store.subscribers.get('bob@example.org'))?.frequency).toBe('weekly');

    const none = await page(manageLink, form({ csrf, action: 'update', frequency: 'daily' }));
    expect(none.res.status).toBe(400);
    expect(none.$('[role=alert]').text()).toContain('topics');

    const saved = await page(
      manageLink,
      form({ csrf, action: 'update', topics: ['localism-act'], frequency: 'daily' }),
    );
    expect(saved.res.status).toBe(200);
    expect(saved.$('[role=status]').text()).toContain('saved');
    const stored = await t.store.subscribers.get('bob@example.org');
    expect([stored?.topics, stored?.frequency]).toEqual([['localism-act'], 'daily']);

    const left = await page(manageLink, form({ csrf, action: 'unsubscribe' }));
    expect(left.res.status).toBe(200);
    expect((await t.store.subscribers.get('bob@example.org'))?.status).toBe('unsubscribed');
  });

  it('unsubscribes only on POST: RFC 8058 one-click without CSRF, repeatable', async () => {
    await page(await subscribeAndGetConfirmLink(), { method: 'POST' });
    const subscriber = (await t.store.subscribers.get('bob@example.org'))!;
    const link = local(subscriberLinks(t.deps, subscriber).unsubscribe);
    const get = await page(link);
    expect(get.res.status).toBe(200);
    expect(get.$('form[method=post]').attr('action')).toBe(link);
    expect((await t.store.subscribers.get('bob@example.org'))?.status).toBe('confirmed');
    for (let i = 0; i < 2; i++) {
      const res = await t.app.request(link, form({ 'List-Unsubscribe': 'One-Click' }));
      expect(res.status).toBe(200);
    }
    expect((await t.store.subscribers.get('bob@example.org'))?.status).toBe('unsubscribed');
  });

  it('subscribes through the public form (CSRF checked) and shows errors in place', async () => {
    const get = await page('/subscribe?topic=housing');
    expect(get.res.status).toBe(200);
    expect(get.$('input[name=topics]:checked').val()).toBe('housing');
    expect(get.$('label[for=email]').text()).toBe('Email address');
    const csrf = String(get.$('input[name=csrf]').val());
    const home = await page('/');
    expect(home.$('form[action="/subscribe"]')).toHaveLength(1);

    const noCsrf = await page(
      '/subscribe',
      form({ email: 'dan@example.org', topics: 'housing', frequency: 'daily' }),
    );
    expect(noCsrf.res.status).toBe(400);
    expect(t.mailer.sent).toHaveLength(0);

    const bad = await page('/subscribe', form({ csrf, email: 'dan@', frequency: 'daily' }));
    expect(bad.res.status).toBe(400);
    expect(bad.$('[role=alert] li')).toHaveLength(2);
    expect(bad.$('input[name=email]').val()).toBe('dan@');

    const ok = await page(
      '/subscribe',
      form({ csrf, email: 'dan@example.org', topics: ['housing'], frequency: 'daily' }),
    );
    expect(ok.res.status).toBe(200);
    expect(ok.$('h1').text()).toBe('Check your email');
    expect(t.mailer.linksTo('/subscriptions/confirm', 'dan@example.org')).toHaveLength(1);
  });
});

describe('POST /api/ses-notifications', () => {
  it('refuses bodies that are not signed SNS messages', async () => {
    for (const body of ['', 'not json', JSON.stringify({ Type: 'Notification', Message: '{}' })]) {
      const res = await t.app.request('/api/ses-notifications', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
  });
});
