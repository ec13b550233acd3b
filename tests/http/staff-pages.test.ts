import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { makeAlert, makeFailingSourceState } from '../support/builders.ts';
import { basic, bearer, OTHER_STAFF_KEY, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

async function dashboard(query = '', headers = basic()) {
  const res = await t.app.request(`/staff${query}`, { headers });
  expect(res.status).toBe(200);
  return cheerio.load(await res.text());
}

function form(fields: Record<string, string>, headers = basic()): RequestInit {
  return {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  };
}

describe('GET /staff', () => {
  it('shows stale factsheets first with escaped evidence, then alerts and source health', async () => {
    await t.store.alerts.create(
      makeAlert({
        topics: ['housing'],
        title: '<img src=x onerror=alert(1)> Homelessness code',
        url: 'javascript:alert(1)',
        whatChanged: 'Chapter 3 revised',
        changedAt: '2026-03-05T10:00:00.000Z',
        detectedAt: '2026-03-05T10:00:00.000Z',
        source: { id: 'govuk-housing', title: 'GOV.UK housing' },
      }),
    );
    await t.store.sources.put(
      makeFailingSourceState({
        sourceId: 'lga-news',
        url: 'https://www.local.gov.uk/news',
        lastPolledAt: '2026-03-10T11:00:00.000Z',
        consecutiveFailures: 4,
        lastError: 'selector matched nothing',
      }),
    );
    const res = await t.app.request('/staff', { headers: basic() });
    const html = await res.text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('javascript:');
    const $ = cheerio.load(html);
    expect($('main h1').text()).toBe('Staff dashboard');
    expect($('header').length + $('main').length + $('footer').length).toBe(3);
    const cards = $('#factsheets').parent().find('section.card');
    expect(cards.first().attr('id')).toBe('factsheet-homes');
    expect(cards.first().hasClass('stale')).toBe(true);
    expect(cards.first().find('ul.evidence li').text()).toContain('Chapter 3 revised');
    expect(cards.first().find('ul.evidence li').text()).toContain('5 Mar 2026, 10:00');
    expect(cards.first().find('textarea[name=note]').attr('id')).toBe('note-homes');
    expect(cards.first().find('label[for=note-homes]')).toHaveLength(1);
    const health = $('#sources').parent().find('tbody tr').last().text();
    expect(health).toContain('failed');
    expect(health).toContain('503');
    expect(health).toContain('selector matched nothing');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('filters recent alerts by topic and source with a GET form, and pages', async () => {
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString();
      await t.store.alerts.create(makeAlert({ title: `Alert L${i}`, detectedAt: at, changedAt: at }));
    }
    await t.store.alerts.create(makeAlert({ title: 'Housing one', topics: ['housing'] }));
    const all = await dashboard();
    expect(all('#alerts').parent().find('ul.evidence > li')).toHaveLength(25);
    const older = all('.pager a').attr('href')!;
    const next = await dashboard(older.replace(/^\/staff/, '').replace(/#.*$/, ''));
    expect(next('#alerts').parent().find('ul.evidence > li')).toHaveLength(6);
    const housing = await dashboard('?topic=housing');
    expect(housing('#alerts').parent().find('ul.evidence > li').text()).toContain('Housing one');
    expect(housing('#filter-topic option[selected]').val()).toBe('housing');
    const bySource = await dashboard('?source=lga-news');
    expect(bySource('#alerts').parent().text()).toContain('No alerts match.');
  });

  it('marks a factsheet reviewed with a CSRF token, redirects 303 and confirms', async () => {
    await t.store.alerts.create(
      makeAlert({ changedAt: '2026-02-01T00:00:00.000Z', detectedAt: '2026-02-01T00:00:00.000Z' }),
    );
    const $ = await dashboard();
    const csrf = String($('#factsheet-lsp input[name=csrf]').val());
    const action = $('#factsheet-lsp form').attr('action')!;
    expect(action).toBe('/staff/factsheets/lsp/review');

    const forged = await t.app.request(action, form({ csrf: 'nope', note: 'x' }));
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toContain('error=csrf');
    // A token for another factsheet, or another staff key, does not post this form.
    const other = String($('#factsheet-homes input[name=csrf]').val());
    expect((await t.app.request(action, form({ csrf: other }))).headers.get('location')).toContain(
      'error=csrf',
    );
    expect(
      (await t.app.request(action, form({ csrf }, basic(OTHER_STAFF_KEY)))).headers.get('location'),
    ).toContain('error=csrf');
    expect(await t.store.factsheets.reviews('lsp')).toEqual([]);

    const ok = await t.app.request(action, form({ csrf, note: 'Updated para 4' }));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/staff?reviewed=lsp#factsheets');
    const reviewedPage = await dashboard('?reviewed=lsp');
    expect(reviewedPage('[role=status]').text()).toContain(
      'Marked “Local strategic partnerships” as reviewed.',
    );
    expect(reviewedPage('#factsheet-lsp').hasClass('fresh')).toBe(true);
    expect((await t.store.factsheets.reviews('lsp'))[0]?.note).toBe('Updated para 4');

    t.clock.advance(9 * 3600 * 1000);
    const expired = await t.app.request(action, form({ csrf }));
    expect(expired.headers.get('location')).toContain('error=csrf');
  });

  it('accepts Bearer on pages too, and needs auth for the review POST', async () => {
    await dashboard('', bearer());
    const res = await t.app.request('/staff/factsheets/lsp/review', { method: 'POST' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="policy-watch staff"');
  });
});
