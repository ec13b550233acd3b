/**
 * Every config string may hold any Unicode: the organisation name and contact, titles, a
 * `digests.from` with a display name, a `PUBLIC_URL` with an internationalised host. Each case
 * goes through `check` (config validation), a real fetch (User-Agent), the email bytes (From,
 * Subject, List-Unsubscribe), the Atom feed and the pages.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/schema.ts';
import { toReadableAscii } from '#shared/domain/ascii.ts';
import { parseMailbox } from '#shared/domain/mailbox.ts';
import { buildMime, headerLineLengths } from '#shared/mail/mime.ts';
import { envelopeTo } from '#shared/mail/notices.ts';
import { createHttpFetcher, userAgent } from '#shared/sources/fetch/fetcher.ts';
import { loadEnv } from '../../functions/env.ts';
import { makeAlert } from '../support/builders.ts';
import { useFixtureServer } from '../support/hooks.ts';
import { postJson, TEST_CONFIG, useSharedTestApp } from '../support/http-app.ts';
import { configFrom } from '../support/service-deps.ts';

const LONG = `Women’s ${'Resource Centre '.repeat(1250)}`.trim();

/** [name, organisation name, its readable ASCII form] */
const NAMES: [string, string, string][] = [
  ['typographic apostrophe', 'Women’s Resource Centre', "Women's Resource Centre"],
  ['curly quotes', '“Shelter” Cymru', '"Shelter" Cymru'],
  ['accents', 'Café Société', 'Cafe Societe'],
  ['emoji', 'Food Bank 🍞🥫 Network', 'Food Bank Network'],
  ['Welsh ŵ and ŷ', 'Canolfan Cymuned Ŵyl Ŷd', 'Canolfan Cymuned Wyl Yd'],
  ['Arabic', 'جمعية الإسكان', ''],
  ['Arabic beside Latin', 'Al-Noor جمعية Trust', 'Al-Noor Trust'],
  ['en and em dash', 'North – South — Alliance', 'North - South - Alliance'],
  ['ligature and ß', 'Straße ﬁnance Æthel', 'Strasse finance AEthel'],
  ['controls and bidi', 'Evil\r\nX-Injected: 1\u202e', 'Evil X-Injected: 1'],
];

/** Decodes RFC 2047 encoded-words (B and Q) in an unfolded header value. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    );
}

function headers(raw: Buffer): Map<string, string> {
  const head = raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
  const map = new Map<string, string>();
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

describe('readable ASCII for headers', () => {
  it.each(NAMES)('%s', (_, name, ascii) => {
    expect(toReadableAscii(name)).toBe(ascii);
  });

  it('bounds a 20,000-character name and keeps every User-Agent short and printable', () => {
    for (const [, name] of [...NAMES, ['long', LONG] as const]) {
      const agent = userAgent('1.0.0', name, 'policy@example.org');
      expect(agent).toMatch(/^[\x20-\x7e]+$/);
      expect(agent.length).toBeLessThanOrEqual(300);
    }
    expect(userAgent('1.0.0', LONG, 'policy@example.org')).toMatch(
      /^policy-watch\/1\.0\.0 \(\+mailto:policy@example\.org; Women's Resource Centre .*\.\.\.\)$/,
    );
    expect(userAgent('1.0.0', 'جمعية', 'policy@bücher.example')).toBe(
      'policy-watch/1.0.0 (+mailto:policy@xn--bcher-kva.example)',
    );
  });
});

describe('a real fetch with each organisation name', () => {
  const server = useFixtureServer({
    '/feed': { body: '<rss version="2.0"><channel></channel></rss>', contentType: 'application/rss+xml' },
  });

  it.each([...NAMES, ['20,000 characters', LONG, '']])('%s never fails the request', async (_, name) => {
    const fetcher = createHttpFetcher({
      userAgent: userAgent('1.0.0', name, 'policy@example.org'),
      retries: 0,
    });
    try {
      const result = await fetcher.fetch({
        url: server.url('/feed'),
        allowPrivateNetwork: true,
        acceptTypes: ['application/rss+xml'],
      });
      expect(result).toMatchObject({ status: 'ok', httpStatus: 200 });
      const sent = server.requests('/feed').at(-1)?.['user-agent'];
      expect(sent).toBe(userAgent('1.0.0', name, 'policy@example.org'));
    } finally {
      await fetcher.close();
    }
  });
});

describe('check', () => {
  const config = (organisation: Record<string, unknown>, digests: Record<string, unknown> = {}) =>
    parseConfig({
      ...TEST_CONFIG,
      organisation: { ...TEST_CONFIG.organisation, ...organisation },
      digests: { ...TEST_CONFIG.digests, ...digests },
    });

  it.each(NAMES)('accepts an organisation named with %s', (_, name) => {
    expect(config({ name }).ok).toBe(true);
  });

  it('accepts Unicode titles, an internationalised contact and a named sender', () => {
    const result = parseConfig({
      ...TEST_CONFIG,
      organisation: { name: 'Canolfan Ŵyl', contact: 'polisi@bücher.example' },
      topics: [{ id: 'tai', title: 'Tai – “Housing” 🏠 الإسكان', query: 'housing' }],
      digests: { from: '“Canolfan Ŵyl” alerts <alerts@bücher.example>' },
      factsheets: [],
    });
    expect(result.ok).toBe(true);
  });

  it('refuses a header-breaking organisation name and a bad sender, naming the path', () => {
    const result = config({ name: LONG }, { from: 'Team <not an address>' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path).sort()).toEqual(['digests.from', 'organisation.name']);
    expect(result.errors.find((error) => error.path === 'organisation.name')?.message).toMatch(
      /at most 120 characters/,
    );
  });

  it('PUBLIC_URL with an internationalised host and a non-ASCII path is kept in its ASCII form', () => {
    expect(loadEnv({ PUBLIC_URL: 'https://bücher.example/wätch/' }).PUBLIC_URL).toBe(
      'https://xn--bcher-kva.example/w%C3%A4tch',
    );
    expect(loadEnv({ MAIL_FROM: 'Tîm Polisi <alerts@example.org>' }).MAIL_FROM).toBe(
      'Tîm Polisi <alerts@example.org>',
    );
  });
});

describe('mail headers carry any Unicode', () => {
  it.each([
    ...NAMES.filter(([, name]) => toReadableAscii(name) !== ''),
    ['Arabic only', 'جمعية الإسكان', ''],
  ])('%s in From and Subject', async (_, name) => {
    const unsubscribe = `${loadEnv({ PUBLIC_URL: 'https://bücher.example/wätch' }).PUBLIC_URL}/unsubscribe?token=T.S`;
    const raw = await buildMime({
      fromName: name,
      fromAddress: 'alerts@example.org',
      to: 'ann@example.org',
      subject: `[${name}] 1 new alert: Tai – “Housing” 🏠`,
      text: 'x',
      html: '<p>x</p>',
      unsubscribeUrl: unsubscribe,
    });
    const head = raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    expect(Math.max(...headerLineLengths(raw))).toBeLessThanOrEqual(78);
    const parsed = headers(raw);
    const oneLine = (text: string) =>
      text
        .replace(/[\r\n\u202e]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    const clean = oneLine(name);
    expect(decodeWords(parsed.get('from') ?? '')).toContain(clean);
    expect(decodeWords(parsed.get('from') ?? '')).toContain('<alerts@example.org>');
    expect(decodeWords(parsed.get('subject') ?? '')).toBe(
      oneLine(`[${name}] 1 new alert: Tai – “Housing” 🏠`),
    );
    expect(parsed.get('list-unsubscribe')).toBe(
      '<https://xn--bcher-kva.example/w%C3%A4tch/unsubscribe?token=T.S>',
    );
  });

  it('a sender with its own display name wins over the organisation; the envelope is the bare address', async () => {
    const context = {
      config: configFrom({
        ...TEST_CONFIG,
        organisation: { name: 'Women’s Resource Centre', contact: 'p@example.org' },
      }),
      mailer: { sendRaw: async () => ({ messageId: 'x' }) },
      mailFrom: '“Tîm Polisi” <alerts@bücher.example>',
      publicUrl: 'http://localhost',
      signingSecret: 'secret',
    };
    const envelope = envelopeTo(context, 'ann@example.org');
    expect(envelope).toEqual({
      fromName: '“Tîm Polisi”',
      fromAddress: 'alerts@xn--bcher-kva.example',
      to: 'ann@example.org',
    });
    expect(parseMailbox('"Policy \\"Team\\"" <a@example.org>')).toEqual({
      name: 'Policy "Team"',
      address: 'a@example.org',
    });
    const raw = await buildMime({ ...envelope, subject: 's', text: 'x', html: '<p>x</p>' });
    expect(decodeWords(headers(raw).get('from') ?? '')).toBe('“Tîm Polisi” <alerts@xn--bcher-kva.example>');
  });
});

describe('Atom, pages and the API show Unicode titles as written', () => {
  const title = 'Tai – “Housing” 🏠 الإسكان ŵ';
  const t = useSharedTestApp(() => ({
    config: configFrom({
      ...TEST_CONFIG,
      organisation: { name: 'Women’s Resource Centre', contact: 'policy@example.org' },
      topics: [{ id: 'housing', title, query: 'housing' }],
      factsheets: [],
    }),
  }));
  beforeAll(async () => {
    await t.store.alerts.create(
      makeAlert({
        topics: ['housing'],
        matched: [{ topic: 'housing', terms: ['housing'] }],
        title: `Alert ${title}`,
      }),
    );
  });

  it('Atom', async () => {
    const response = await t.app.request('/api/topics/housing/alerts.atom');
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(`<title type="text">Alert ${title}</title>`);
    expect(body).toContain('Women’s Resource Centre');
  });

  it('subscribe page and API', async () => {
    const page = await (await t.app.request('/subscribe')).text();
    expect(page).toContain('Tai – “Housing” 🏠 الإسكان ŵ');
    const topics = (await (await t.app.request('/api/topics')).json()) as { items: { title: string }[] };
    expect(topics.items[0]?.title).toBe(title);
  });

  it('a confirmation email to the Unicode organisation is sent', async () => {
    const response = await t.app.request(
      '/api/subscriptions',
      postJson({ email: 'ann@example.org', topics: ['housing'], frequency: 'daily' }),
    );
    expect(response.status).toBe(202);
    const sent = t.mailer.last('ann@example.org');
    expect(sent).toBeDefined();
    expect(decodeWords(headers(sent?.raw ?? Buffer.alloc(0)).get('from') ?? '')).toBe(
      'Women’s Resource Centre <alerts@example.org>',
    );
  });
});
