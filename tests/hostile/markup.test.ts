/**
 * Markup in fetched documents (`<script>`, event handlers, `javascript:`/`vbscript:`/`data:`
 * links, SVG) is polled for real, then looked at everywhere it could run: the API, the Atom
 * feed, the staff dashboard, the API docs and the digest email. It must arrive as text, and
 * links must be http(s).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { createApp } from '#shared/http/app.ts';
import { runDigest } from '#shared/services/digest.ts';
import { runPollCycle } from '#shared/services/poll.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { makeSubscriber } from '../support/builders.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { decodeMime } from '../support/http-app.ts';
import { item, rssOf } from '../support/rss.ts';
import { configFrom, MemoryMailer, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const HOSTILE = [
  item(
    'script',
    esc('Housing <script>alert("t")</script>'),
    esc('<script>alert("s")</script> housing'),
    'javascript:alert(1)',
  ),
  item(
    'handler',
    esc('Housing <img src=x onerror=alert(2)>'),
    esc('<a href="javascript:alert(3)" onclick="x()">housing</a>'),
    'vbscript:msgbox(1)',
  ),
  item(
    'svg',
    esc('Housing <svg onload=alert(4)><use href="data:image/svg+xml,x"/></svg>'),
    esc('<iframe src="data:text/html,<b>x</b>"></iframe> housing'),
    'data:text/html,<script>alert(5)</script>',
  ),
  `<item><guid>cdata</guid><title><![CDATA[Housing <script>alert(6)</script>]]></title><link>JaVaScRiPt:alert(7)</link><description><![CDATA[<svg/onload=alert(8)> housing]]></description></item>`,
];

/** No element, attribute or URL scheme from the feed survived as markup in `html`. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script[\s>][^<]*alert/i);
  expect(html).not.toMatch(/<svg|<iframe|<img src=x/i);
  expect(html).not.toMatch(/\son(error|load|click)=/i);
  // (`data:,` is the pages' own empty favicon.)
  expect(html).not.toMatch(/(href|src)=["']?\s*(javascript|vbscript|data:(?!,"))/i);
}

let deps: ServiceDeps;
let mailer: MemoryMailer;

const db = useDynalite();
const server = useFixtureServer({
  '/hostile.rss': { body: rssOf(HOSTILE), contentType: 'application/rss+xml' },
});
beforeAll(async () => {
  const { store } = await db.newStore();
  mailer = new MemoryMailer();
  const config = configFrom({
    organisation: { name: 'Test <b>Centre</b>', contact: 'policy@example.org' },
    sources: [
      {
        id: 'hostile',
        title: 'Feed <i>x</i>',
        kind: 'feed',
        url: server.url('/hostile.rss'),
        allowPrivateNetwork: true,
        backfill: 'all',
      },
    ],
    topics: [{ id: 'housing', title: 'Housing <script>alert(9)</script>', query: 'housing' }],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  });
  ({ deps } = serviceDeps({ config, store, now: NOW, mailer }));
  const report = await runPollCycle(deps);
  expect(report.sources[0]).toMatchObject({ status: 'changed', alerts: 4 });
  await store.subscribers.put(
    makeSubscriber({ topics: ['housing'], frequency: 'immediate', createdAt: '2026-09-01T00:00:00.000Z' }),
  );
});

describe('markup from feeds stays text', () => {
  it('API: every alert url is http(s); the javascript:/vbscript:/data: links became the feed URL', async () => {
    const app = createApp(deps);
    const body = (await (await app.request('/api/alerts?limit=100')).json()) as { items: Alert[] };
    expect(body.items).toHaveLength(4);
    for (const alert of body.items) expect(alert.url).toBe(server.url('/hostile.rss'));
    // Titles are text: the feed's markup was reduced to its text when parsed.
    for (const alert of body.items) expect(alert.title).not.toMatch(/<|>/);
  });

  it('API: an alert stored with a javascript: url before the rule is shown with url ""', async () => {
    const [stored] = (await deps.store.alerts.list({ limit: 1 })).items;
    await deps.store.alerts.create({ ...stored!, id: 'legacy-js-url', url: 'javascript:alert(1)' });
    const app = createApp(deps);
    const alert = (await (await app.request('/api/alerts/legacy-js-url')).json()) as Alert;
    expect(alert.url).toBe('');
  });

  it('Atom', async () => {
    const app = createApp(deps);
    const xml = await (await app.request('/api/topics/housing/alerts.atom')).text();
    expectInert(xml);
    expect(xml).toContain('&lt;script&gt;alert(9)&lt;/script&gt;');
  });

  it('staff dashboard', async () => {
    const app = createApp(deps);
    const auth = { Authorization: `Basic ${Buffer.from(':test-staff-key').toString('base64')}` };
    const response = await app.request('/staff', { headers: auth });
    expect(response.status).toBe(200);
    const html = await response.text();
    expectInert(html);
    expect(html).toContain('&lt;script&gt;');
  });

  it('API docs and the subscribe page', async () => {
    const app = createApp(deps);
    for (const path of ['/docs', '/subscribe', '/']) {
      const response = await app.request(path);
      if (response.status === 200) expectInert(await response.text());
    }
  });

  it('digest email HTML and text', async () => {
    const report = await runDigest(deps, { frequency: 'immediate' });
    expect(report.sent).toHaveLength(1);
    const raw = decodeMime(mailer.sent[0]!.raw);
    // Headers and the text/plain part are plain text; the HTML part is what a mail client renders.
    const html = raw.slice(raw.search(/Content-Type: text\/html/i));
    expect(html).toMatch(/<html/i);
    expectInert(html);
    expect(html).toContain('&lt;script&gt;');
  });
});
