import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { Subscriber } from '#shared/domain/types.ts';
import { basic, OTHER_STAFF_KEY, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

const PAGE = '/staff/subscribers';

function subscriber(overrides: Partial<Subscriber> & { email: string }): Subscriber {
  return {
    topics: ['housing'],
    frequency: 'weekly',
    status: 'confirmed',
    createdAt: '2026-01-05T09:00:00.000Z',
    confirmedAt: '2026-01-05T09:30:00.000Z',
    version: 1,
    updatedAt: '2026-01-05T09:30:00.000Z',
    ...overrides,
  };
}

async function page(query = '', headers = basic()) {
  const res = await t.app.request(`${PAGE}${query}`, { headers });
  expect(res.status).toBe(200);
  return cheerio.load(await res.text());
}

async function post(path: string, fields: [string, string][], headers = basic()): Promise<Response> {
  return t.app.request(path, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

/** The add form's token, read from the page as a browser would. */
async function addToken(headers = basic()): Promise<string> {
  return String((await page('', headers))('form[action="/staff/subscribers"] input[name=csrf]').val());
}

describe('GET /staff/subscribers', () => {
  it('needs the staff key (Basic challenge), for the page and both POSTs', async () => {
    for (const [method, path] of [
      ['GET', PAGE],
      ['POST', PAGE],
      ['POST', `${PAGE}/remove`],
    ] as const) {
      const res = await t.app.request(path, { method });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="policy-watch staff"');
    }
    expect((await t.app.request(PAGE, { headers: basic('wrong-key') })).status).toBe(401);
  });

  it('lists every subscriber with topics by title, status, reason and dates in the config zone', async () => {
    await t.store.subscribers.create(
      subscriber({ email: 'ann@example.org', topics: ['localism-act', 'housing'] }),
    );
    await t.store.subscribers.create(
      subscriber({
        email: 'bob@example.org',
        status: 'pending',
        frequency: 'daily',
        confirmedAt: null,
        // British Summer Time: shown an hour later than UTC.
        createdAt: '2026-06-01T09:15:00.000Z',
      }),
    );
    await t.store.subscribers.create(subscriber({ email: 'cat@example.org', status: 'unsubscribed' }));
    await t.store.subscribers.create(
      subscriber({
        email: 'dan@example.org',
        status: 'suppressed',
        suppressedReason: 'bounce: Permanent/General',
      }),
    );
    const $ = await page();
    expect($('main h1').text()).toBe('Subscribers');
    expect($('nav a[href="/staff/subscribers"]').text()).toBe('Subscribers');
    expect(
      $('ul.counts li')
        .map((_, li) => $(li).text().trim())
        .get(),
    ).toEqual(['confirmed 1', 'pending 1', 'unsubscribed 1', 'suppressed 1']);
    expect($('thead th[scope=col]')).toHaveLength(7);
    const rows = $('tbody tr');
    expect(rows.map((_, row) => $(row).find('th[scope=row]').text()).get()).toEqual([
      'ann@example.org',
      'bob@example.org',
      'cat@example.org',
      'dan@example.org',
    ]);
    const cells = (i: number) =>
      rows
        .eq(i)
        .find('td')
        .map((_, td) => $(td).text().trim())
        .get();
    expect(cells(0).slice(0, 5)).toEqual([
      'Localism Act 2011, Housing',
      'Weekly digest',
      'confirmed',
      '5 Jan 2026, 09:00',
      '5 Jan 2026, 09:30',
    ]);
    expect(cells(1).slice(0, 5)).toEqual(['Housing', 'Daily digest', 'pending', '1 Jun 2026, 10:15', '–']);
    expect(cells(3)[2]).toBe('suppressedbounce: Permanent/General');
    expect(rows.eq(3).text()).toContain('Removing lets it subscribe again.');
    expect($('#all').parent().text()).toContain('lets it subscribe again');
    expect(rows.eq(0).find('button').text()).toBe('Remove ann@example.org…');
  });

  it('says so when there are no subscribers', async () => {
    const $ = await page();
    expect($('#all').parent().text()).toContain('No subscribers yet.');
    expect($('ul.counts').text().replace(/\s+/g, ' ')).toContain('suppressed 0');
  });
});

describe('adding a subscriber', () => {
  it('refuses a POST without a valid token for this staff key and form', async () => {
    const fields: [string, string][] = [
      ['email', 'eve@example.org'],
      ['topics', 'housing'],
      ['frequency', 'daily'],
    ];
    const removeToken = String((await page())('tbody input[name=csrf]').val() ?? '');
    for (const csrf of [null, 'nope', removeToken, await addToken(basic(OTHER_STAFF_KEY))]) {
      const res = await post(PAGE, csrf === null ? fields : [...fields, ['csrf', csrf]]);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`${PAGE}?error=csrf`);
    }
    expect(await t.store.subscribers.get('eve@example.org')).toBeNull();
    const $ = await page('?error=csrf');
    expect($('[role=alert]').text()).toContain('The form had expired');
  });

  it('creates a confirmed subscriber, emails the notice, and redirects 303 with a flash', async () => {
    const csrf = await addToken();
    const res = await post(PAGE, [
      ['csrf', csrf],
      ['email', '  Eve@Example.org '],
      ['topics', 'housing'],
      ['topics', 'planning'],
      ['frequency', 'daily'],
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PAGE}?added=1`);
    const stored = await t.store.subscribers.get('eve@example.org');
    expect(stored).toMatchObject({
      status: 'confirmed',
      topics: ['housing', 'planning'],
      frequency: 'daily',
    });
    expect(t.mailer.last('eve@example.org')).toBeDefined();
    const $ = await page('?added=1');
    expect($('[role=status]').text()).toContain('Subscriber added');
    expect($('tbody th[scope=row]').text()).toBe('eve@example.org');
  });

  it('shows validation errors on the page, keeping what was typed, and creates nothing', async () => {
    const csrf = await addToken();
    const bad = await post(PAGE, [
      ['csrf', csrf],
      ['email', 'not-an-address'],
      ['frequency', 'weekly'],
    ]);
    expect(bad.status).toBe(400);
    const $ = cheerio.load(await bad.text());
    expect($('[role=alert]').text()).toContain('Enter a valid email address');
    expect($('[role=alert]').text()).toContain('Choose at least one topic');
    expect($('#email').val()).toBe('not-an-address');
    expect($('#email').attr('aria-describedby')).toBe('email-error');
    const unknown = await post(PAGE, [
      ['csrf', csrf],
      ['email', 'fay@example.org'],
      ['topics', 'nope'],
      ['frequency', 'hourly'],
    ]);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Choose how often');
    expect(await t.store.subscribers.list()).toEqual([]);
    expect(t.mailer.sent).toEqual([]);
  });

  it('shows an error for an address that already exists, whatever its status', async () => {
    await t.store.subscribers.create(subscriber({ email: 'gil@example.org', status: 'suppressed' }));
    const res = await post(PAGE, [
      ['csrf', await addToken()],
      ['email', 'GIL@example.org'],
      ['topics', 'planning'],
      ['frequency', 'weekly'],
    ]);
    expect(res.status).toBe(409);
    const $ = cheerio.load(await res.text());
    expect($('[role=alert]').text()).toContain('gil@example.org is already a subscriber');
    expect($('#topic-planning').is('[checked]')).toBe(true);
    expect((await t.store.subscribers.get('gil@example.org'))?.status).toBe('suppressed');
    expect(t.mailer.sent).toEqual([]);
  });
});

describe('removing a subscriber', () => {
  it('asks for confirmation, then erases the record with a token bound to that address', async () => {
    await t.store.subscribers.create(
      subscriber({ email: 'hal@example.org', status: 'suppressed', suppressedReason: 'complaint' }),
    );
    await t.store.subscribers.create(subscriber({ email: 'ida@example.org' }));
    const $ = await page();
    const row = $('tbody tr').first();
    const first = await post(`${PAGE}/remove`, [
      ['csrf', String(row.find('input[name=csrf]').val())],
      ['email', String(row.find('input[name=email]').val())],
    ]);
    expect(first.status).toBe(200);
    const confirm = cheerio.load(await first.text());
    expect(confirm('h1').text()).toBe('Remove hal@example.org?');
    expect(confirm('main').text()).toContain('(complaint)');
    expect(confirm('main').text()).toContain('lets it subscribe again');
    expect(await t.store.subscribers.get('hal@example.org')).not.toBeNull();

    const token = String(confirm('main form input[name=csrf]').val());
    expect(confirm('main form input[name=confirm]').val()).toBe('yes');
    const elsewhere = await post(`${PAGE}/remove`, [
      ['csrf', token],
      ['email', 'ida@example.org'],
      ['confirm', 'yes'],
    ]);
    expect(elsewhere.headers.get('location')).toBe(`${PAGE}?error=csrf`);
    // The first step's token does not erase anything by itself.
    const skipped = await post(`${PAGE}/remove`, [
      ['csrf', String(row.find('input[name=csrf]').val())],
      ['email', 'ida@example.org'],
      ['confirm', 'yes'],
    ]);
    expect(skipped.headers.get('location')).toBe(`${PAGE}?error=csrf`);
    expect(await t.store.subscribers.get('ida@example.org')).not.toBeNull();

    const done = await post(`${PAGE}/remove`, [
      ['csrf', token],
      ['email', 'hal@example.org'],
      ['confirm', 'yes'],
    ]);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${PAGE}?removed=1`);
    expect(await t.store.subscribers.get('hal@example.org')).toBeNull();
    const listed = await page('?removed=1');
    expect(listed('[role=status]').text()).toContain('Subscriber removed');
    expect(listed('tbody th[scope=row]').text()).toBe('ida@example.org');

    const again = await post(`${PAGE}/remove`, [
      ['csrf', token],
      ['email', 'hal@example.org'],
      ['confirm', 'yes'],
    ]);
    expect(again.headers.get('location')).toBe(`${PAGE}?error=gone`);
  });
});

describe('hostile input', () => {
  it('is escaped in the table, the confirmation page and a re-rendered form', async () => {
    const hostile = '"><script>alert(1)</script>@example.org';
    await t.store.subscribers.create(
      subscriber({ email: hostile, status: 'suppressed', suppressedReason: '<img src=x onerror=alert(2)>' }),
    );
    const res = await t.app.request(PAGE, { headers: basic() });
    const html = await res.text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    const $ = cheerio.load(html);
    expect($('tbody th[scope=row]').text()).toBe(hostile);
    expect($('tbody input[name=email]').val()).toBe(hostile);

    const confirm = await post(`${PAGE}/remove`, [
      ['csrf', String($('tbody input[name=csrf]').val())],
      ['email', hostile],
    ]);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).not.toContain('<script>');
    expect(confirmHtml).not.toContain('<img src=x');
    expect(cheerio.load(confirmHtml)('h1').text()).toBe(`Remove ${hostile}?`);

    const rerendered = await post(PAGE, [
      ['csrf', await addToken()],
      ['email', '<script>alert(3)</script>'],
      ['topics', '<b>x</b>'],
      ['frequency', 'weekly'],
    ]);
    expect(rerendered.status).toBe(400);
    const body = await rerendered.text();
    expect(body).not.toContain('<script>alert(3)');
    expect(body).not.toContain('<b>x</b>');
    expect(cheerio.load(body)('#email').val()).toBe('<script>alert(3)</script>');
  });
});
