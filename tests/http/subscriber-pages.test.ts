/** Subscriber pages after the audit: what an unsubscribe link shows once the person has left. */
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { subscriberLinks } from '#shared/services/subscriptions.ts';
import { bearer, postJson, type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

function local(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

async function unsubscribeLink(email: string): Promise<string> {
  const created = await t.app.request(
    '/api/subscribers',
    postJson({ email, topics: ['housing'], frequency: 'daily' }, bearer()),
  );
  expect(created.status).toBe(201);
  return local(subscriberLinks(t.deps, (await t.store.subscribers.get(email))!).unsubscribe);
}

describe('GET /unsubscribe', () => {
  it('offers the button while subscribed, and says "already unsubscribed" afterwards', async () => {
    const link = await unsubscribeLink('fay@example.org');
    const initial = cheerio.load(await (await t.app.request(link)).text());
    expect(initial('h1').text()).toBe('Unsubscribe');
    expect(initial('form[method=post] button')).toHaveLength(1);

    const post = await t.app.request(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);

    const after = await t.app.request(link);
    expect(after.status).toBe(200);
    const $ = cheerio.load(await after.text());
    expect($('h1').text()).toBe('Already unsubscribed');
    expect($('main').text()).toContain('fay@example.org');
    expect($('form')).toHaveLength(0);
    expect($('main a[href="/subscribe"]')).toHaveLength(1);
  });
});

describe('GET /', () => {
  it('links every topic to its Atom feed, and each link works', async () => {
    const $ = cheerio.load(await (await t.app.request('/')).text());
    const hrefs = $('main a[type="application/atom+xml"]')
      .map((_, el) => $(el).attr('href'))
      .get();
    expect(hrefs).toEqual(t.deps.config.topics.map((topic) => `/api/topics/${topic.id}/alerts.atom`));
    for (const href of hrefs) expect((await t.app.request(href)).status).toBe(200);
  });
});
