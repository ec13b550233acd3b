import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '../support/builders.ts';
import { basic, OTHER_STAFF_KEY, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

async function dashboard(path = '/staff') {
  const res = await t.app.request(path, { headers: basic() });
  expect(res.status).toBe(200);
  return cheerio.load(await res.text());
}

function form(fields: Record<string, string | string[]>, headers = basic()): RequestInit {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  };
}

describe('judging alerts on the dashboard', () => {
  it('every alert offers relevant / not relevant per topic; a judgement redirects back and shows', async () => {
    const alert = makeAlert({
      topics: ['housing', 'planning'],
      matched: [
        { topic: 'housing', terms: ['housing'] },
        { topic: 'planning', terms: ['planning'] },
      ],
    });
    await t.store.alerts.create(alert);
    const $ = await dashboard('/staff?topic=housing');
    const forms = $(`#alert-${alert.id} form.judge`);
    expect(forms).toHaveLength(2);
    expect(forms.first().attr('aria-label')).toBe('Judge for Housing');
    expect(forms.first().find('.badge').text()).toBe('not judged');
    expect(
      forms
        .first()
        .find('button')
        .map((_, b) => $(b).text().trim())
        .get(),
    ).toEqual(['Relevant', 'Not relevant']);
    const action = forms.first().attr('action')!;
    const fields = {
      csrf: String(forms.first().find('input[name=csrf]').val()),
      topic: 'housing',
      back: String(forms.first().find('input[name=back]').val()),
    };
    expect(fields.back).toBe('/staff?topic=housing');

    const res = await t.app.request(action, form({ ...fields, relevant: 'false' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff?topic=housing&judged=${alert.id}#alert-${alert.id}`);
    const shown = await dashboard(res.headers.get('location')!.replace(/#.*$/, ''));
    expect(shown('[role=status]').text()).toContain('Judgement recorded');
    expect(
      shown(`#alert-${alert.id} form.judge .badge`)
        .map((_, b) => shown(b).text())
        .get(),
    ).toEqual(['not relevant', 'not judged']);
    expect(shown('#quality-housing').text()).toContain('0%');
    expect(shown('#quality-housing a').attr('href')).toBe('/staff?topic=housing&falseTerm=housing#alerts');
  });

  it('refuses a forged or another key’s token, and never redirects off the dashboard', async () => {
    const alert = makeAlert({ topics: ['housing'] });
    await t.store.alerts.create(alert);
    const $ = await dashboard();
    const csrf = String($('form.judge input[name=csrf]').first().val());
    const action = `/staff/alerts/${alert.id}/feedback`;
    for (const [token, headers] of [
      ['nope', basic()],
      [csrf, basic(OTHER_STAFF_KEY)],
    ] as const) {
      const res = await t.app.request(
        action,
        form({ csrf: token, topic: 'housing', relevant: 'true' }, headers),
      );
      expect(res.headers.get('location')).toContain('error=csrf');
    }
    const evil = await t.app.request(
      action,
      form({ csrf, topic: 'housing', relevant: 'true', back: '//evil.example/staff' }),
    );
    expect(evil.headers.get('location')).toMatch(/^\/staff\?judged=/);
    const wrongTopic = await t.app.request(action, form({ csrf, topic: 'planning', relevant: 'true' }));
    expect(wrongTopic.headers.get('location')).toContain('error=judge');
    const unknown = await t.app.request(
      '/staff/alerts/nope/feedback',
      form({ csrf, topic: 'housing', relevant: 'true' }),
    );
    expect(unknown.status).toBe(404);
    expect((await t.store.feedback.all()).judgements.map((j) => j.relevant)).toEqual([true]);
  });

  it('lists the alerts behind a false term', async () => {
    const noisy = makeAlert({
      topics: ['housing'],
      title: 'Housing association accounts',
      matched: [{ topic: 'housing', terms: ['housing'] }],
    });
    const other = makeAlert({
      topics: ['housing'],
      title: 'Homelessness statistics',
      matched: [{ topic: 'housing', terms: ['homelessness'] }],
    });
    for (const alert of [noisy, other]) await t.store.alerts.create(alert);
    const csrf = String((await dashboard())('form.judge input[name=csrf]').first().val());
    for (const alert of [noisy, other]) {
      await t.app.request(
        `/staff/alerts/${alert.id}/feedback`,
        form({ csrf, topic: 'housing', relevant: 'false' }),
      );
    }
    const $ = await dashboard('/staff?topic=housing&falseTerm=housing');
    expect($('#false-term').text()).toContain('matched “housing”');
    expect($('#alerts').parent().find('ul.evidence > li a').first().text()).toBe(
      'Housing association accounts',
    );
    expect($('#alerts').parent().find('ul.evidence > li')).toHaveLength(1);
  });
});

describe('reporting a missed publication on the dashboard', () => {
  it('records a good report and shows the form again with what to fix for a bad one', async () => {
    const $ = await dashboard();
    const csrf = String($('#missed-form input[name=csrf]').val());
    const bad = await t.app.request(
      '/staff/feedback/missed',
      form({ csrf, title: 'Rough sleeping <b>strategy</b>', url: 'javascript:alert(1)', topics: [] }),
    );
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).not.toContain('<b>strategy</b>');
    const page = cheerio.load(html);
    expect(page('#missed-title').val()).toBe('Rough sleeping <b>strategy</b>');
    expect(page('#missed-form .error-text').text()).toContain('must be an http or https URL');
    expect(page('#missed-form .error-text').text()).toContain('choose at least one topic');
    expect((await t.store.feedback.all()).missed).toEqual([]);

    const ok = await t.app.request(
      '/staff/feedback/missed',
      form({
        csrf,
        title: 'Rough sleeping strategy',
        url: 'https://www.gov.uk/rough-sleeping',
        summary: '',
        topics: ['housing', 'planning'],
      }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/staff?missed=1#missed');
    const [item] = (await t.store.feedback.all()).missed;
    expect(item).toMatchObject({ title: 'Rough sleeping strategy', topics: ['housing', 'planning'] });
    expect(item).not.toHaveProperty('summary');
    const shown = await dashboard('/staff?missed=1');
    expect(shown('#quality-housing td').eq(3).text()).toBe('1');
    expect(shown('#quality-housing td').eq(5).text()).toBe('0%');

    const forged = await t.app.request(
      '/staff/feedback/missed',
      form({ csrf: 'x', title: 'T', url: 'https://example.org', topics: 'housing' }),
    );
    expect(forged.headers.get('location')).toContain('error=csrf');
    expect((await t.store.feedback.all()).missed).toHaveLength(1);
  });
});
