import { describe, expect, it } from 'vitest';
import type { Config } from '#shared/config/schema.ts';
import { reviewState } from '#shared/domain/staleness.ts';
import type { Alert } from '#shared/domain/types.ts';
import { buildMime, headerLineLengths } from '#shared/mail/mime.ts';
import {
  type DigestRenderInput,
  digestSubject,
  groupByTopic,
  renderDigest,
} from '#shared/mail/render-digest.ts';
import { renderConfirmation, renderStaffNotice } from '#shared/mail/render-notices.ts';
import { factsheetEntry, makeAlert, makeConfig, topicEntry } from '../../support/builders.ts';

function testConfig(): Config {
  return makeConfig({
    organisation: { name: "Women's Voluntary Sector <Resource> Centre", contact: 'policy@example.org' },
    topics: ['localism-act', 'charity-law', 'procurement'].map((id) => topicEntry(id)),
    factsheets: [
      factsheetEntry(),
      factsheetEntry({
        id: 'fresh',
        title: 'Reviewed after everything',
        url: undefined,
        topics: ['charity-law'],
        reviewedAt: '2027-01-01',
      }),
    ],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  });
}

function alert(overrides: Partial<Alert> & Pick<Alert, 'id' | 'topics'>): Alert {
  return makeAlert({
    matched: overrides.topics.map((topic) => ({ topic, terms: ['x'] })),
    source: { id: 'leg', title: 'New legislation (legislation.gov.uk)' },
    title: 'An alert',
    url: 'https://www.legislation.gov.uk/uksi/2026/1',
    whatChanged: 'New legislation',
    changedAt: '2026-11-25T09:30:00.000Z',
    detectedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  });
}

const ALERTS: Alert[] = [
  alert({
    id: 'a1',
    topics: ['charity-law', 'localism-act'],
    title: 'The Localism Act 2011 (Commencement No. 9) Order 2026',
    url: 'https://www.legislation.gov.uk/uksi/2026/1001/made',
    whatChanged: 's. 5 words substituted by Charities Act 2026 s. 3',
    changedAt: '2026-06-30T23:30:00.000Z',
  }),
  alert({
    id: 'a2',
    topics: ['localism-act'],
    title: '<script>alert(1)</script> "><img src=x onerror=alert(2)>\r\nBcc: evil@example.com',
    url: 'javascript:alert(3)',
    source: { id: 'leg', title: 'Feed & <b>friends</b>' },
    whatChanged: 'Changed <i>this</i>\nand "that"',
  }),
  alert({
    id: 'a3',
    kind: 'page-changed',
    topics: ['localism-act'],
    title: 'LGA news',
    url: 'https://www.local.gov.uk/news?a=1&b="><script>x</script>',
    whatChanged: 'Page changed: 7 lines added, 2 removed',
    diff: {
      added: ['One', 'Two <em>', 'Three', 'Four', 'Five', 'Six', 'Seven'],
      removed: ['Old line', 'Another\r\nold line'],
    },
    changedAt: '2026-11-26T06:59:00.000Z',
  }),
  alert({ id: 'a4', topics: ['charity-law'], title: 'Charity Commission guidance updated', kind: 'updated' }),
];

function digestInput(config: Config): DigestRenderInput {
  const sheets = config.factsheets
    .filter((sheet) =>
      ALERTS.some((a) => {
        const state = reviewState(sheet, [], config.digests.timezone);
        return a.topics.some((t) => sheet.topics.includes(t)) && Date.parse(a.changedAt) > state.effective;
      }),
    )
    .map((sheet) => ({ title: sheet.title, url: sheet.url ?? null }));
  return {
    organisation: config.organisation,
    timezone: config.digests.timezone,
    topics: config.topics,
    subscriber: { topics: ['localism-act', 'charity-law'], frequency: 'daily' },
    alerts: ALERTS,
    factsheets: sheets,
    links: {
      manage: 'http://localhost:3000/manage?token=MANAGE.TOKEN',
      unsubscribe: 'http://localhost:3000/unsubscribe?token=UNSUB.TOKEN',
    },
  };
}

describe('digest rendering', () => {
  const config = testConfig();
  const email = renderDigest(digestInput(config));

  it('matches the golden files', async () => {
    await expect(email.subject).toMatchFileSnapshot('../../golden/digest.subject.txt');
    await expect(email.text).toMatchFileSnapshot('../../golden/digest.txt');
    await expect(email.html).toMatchFileSnapshot('../../golden/digest.html');
  });

  it('builds the subject from the topics present, in config order', () => {
    expect(email.subject).toBe(
      "[Women's Voluntary Sector <Resource> Centre] 4 new alerts: Localism Act 2011, Charity law",
    );
  });

  it('groups each alert once, under its first topic in config order', () => {
    const groups = groupByTopic(config.topics, ['localism-act', 'charity-law'], ALERTS);
    expect(groups.map((g) => [g.topic.id, g.alerts.map((a) => a.id)])).toEqual([
      ['localism-act', ['a3', 'a2', 'a1']],
      ['charity-law', ['a4']],
    ]);
    expect(email.text.match(/Commencement No\. 9/g)).toHaveLength(1);
  });

  it('escapes everything that came from a fetched document', () => {
    expect(email.html).not.toMatch(/<script/i);
    expect(email.html).not.toMatch(/<img/i);
    expect(email.html).not.toMatch(/<b>|<i>|<em>/);
    expect(email.html).not.toMatch(/href="javascript:/i);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x');
    // The javascript: link is not shown anywhere, not even as text.
    expect(email.text).not.toContain('javascript:');
    const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
    for (const href of hrefs) expect(href).toMatch(/^(https?:\/\/|mailto:)/);
  });

  it('keeps a CR/LF in a title from starting a new line', () => {
    expect(email.text).not.toMatch(/^Bcc:/m);
    expect(email.text).toContain('onerror=alert(2)> Bcc: evil@example.com');
  });

  it('shows dates in the digest time zone and a short diff excerpt', () => {
    // 2026-06-30T23:30Z is 1 July 00:30 in London (BST).
    expect(email.text).toContain('1 Jul 2026, 00:30 BST');
    expect(email.text).toContain('    + Five');
    expect(email.text).not.toContain('+ Six');
    expect(email.text).toContain('(2 more changed lines: see the page)');
    expect(email.text).toContain('    - Another old line');
  });

  it('lists the factsheets the alerts put in question, then the footer', () => {
    const factsheets = email.text.indexOf('Factsheets that may need revising\n=');
    expect(factsheets).toBeGreaterThan(email.text.indexOf('Charity Commission guidance'));
    expect(email.text).toContain('* Local strategic partnerships\n  https://example.org/factsheets/lsp');
    expect(email.text).not.toContain('Reviewed after everything');
    expect(email.text).toContain(
      "You get this email because you are subscribed to policy alerts from Women's Voluntary Sector <Resource> Centre on: Localism Act 2011, Charity law (daily digest).",
    );
    expect(email.text).toContain('Unsubscribe: http://localhost:3000/unsubscribe?token=UNSUB.TOKEN');
  });
});

describe('digest subject', () => {
  it.each([
    { count: 1, titles: ['Charity law'], expected: '[Org] 1 new alert: Charity law' },
    { count: 2, titles: ['A', 'B'], expected: '[Org] 2 new alerts: A, B' },
    { count: 3, titles: ['Line\r\nbreak'], expected: '[Org] 3 new alerts: Line break' },
  ])('$expected', ({ count, titles, expected }) => {
    expect(digestSubject('Org', count, titles)).toBe(expected);
  });

  it('is shortened with … past 150 characters', () => {
    const titles = Array.from({ length: 20 }, (_, i) => `Topic number ${i} with a long title`);
    const subject = digestSubject('Org', 20, titles);
    expect(Array.from(subject)).toHaveLength(150);
    expect(subject.endsWith('…')).toBe(true);
    expect(subject.startsWith('[Org] 20 new alerts: Topic number 0 with a long title, ')).toBe(true);
  });
});

describe('MIME', () => {
  const config = testConfig();
  const email = renderDigest(digestInput(config));
  const fixed = {
    fromName: config.organisation.name,
    fromAddress: 'alerts@example.org',
    to: 'ann@example.org',
    unsubscribeUrl: 'http://localhost:3000/unsubscribe?token=UNSUB.TOKEN',
    messageId: '<golden-digest@example.org>',
    date: new Date('2026-11-26T07:00:00.000Z'),
    baseBoundary: 'golden',
  };

  it('matches the golden message', async () => {
    const raw = await buildMime({ ...fixed, ...email });
    await expect(raw.toString('utf8')).toMatchFileSnapshot('../../golden/digest.eml');
  });

  it('has the headers docs/contract.md §7 asks for', async () => {
    const raw = (await buildMime({ ...fixed, ...email })).toString('utf8');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    expect(head).toMatch(/^From: "Women's Voluntary Sector <Resource> Centre" <alerts@example\.org>$/m);
    expect(head).toMatch(/^To: ann@example\.org$/m);
    expect(head).toMatch(/^List-Unsubscribe: <http:\/\/localhost:3000\/unsubscribe\?token=UNSUB\.TOKEN>$/m);
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(head).toMatch(/^Message-ID: <golden-digest@example\.org>$/m);
    expect(head).toMatch(/^Date: Thu, 26 Nov 2026 07:00:00 \+0000$/m);
    expect(head).toMatch(/^Content-Type: multipart\/alternative; boundary=/m);
    expect(raw).toContain('Content-Type: text/plain; charset=utf-8');
    expect(raw).toContain('Content-Type: text/html; charset=utf-8');
  });

  it('encodes and folds a 300-character hostile subject', async () => {
    const subject = `${'Ünïcödé <script>alert(1)</script>\r\nBcc: evil@example.com '.repeat(6)}`.slice(
      0,
      300,
    );
    const raw = await buildMime({ ...fixed, subject, text: 'x', html: '<p>x</p>' });
    const lengths = headerLineLengths(raw);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(998);
    const text = raw.toString('latin1');
    const head = text.slice(0, text.indexOf('\r\n\r\n'));
    // Nothing the subject carried became a header of its own.
    expect(head).not.toMatch(/^Bcc:/im);
    // Lines the library folds (Subject, From, To) keep to the 78-character soft limit.
    const subjectLines = head.slice(head.indexOf('Subject:')).split('\r\n');
    const end = subjectLines.findIndex((line, i) => i > 0 && !/^[ \t]/.test(line));
    for (const line of subjectLines.slice(0, end)) expect(line.length).toBeLessThanOrEqual(78);
    expect(end).toBeGreaterThan(3);
  });

  it.each([
    ['Plain Org', 'From: "Plain Org" <alerts@example.org>'],
    ['Org "quoted" \\ back', 'From: "Org \\"quoted\\" \\\\ back" <alerts@example.org>'],
    ['Org\r\nBcc: x@y', 'From: "Org Bcc: x@y" <alerts@example.org>'],
    ['Ōrg Çafé', 'From: =?UTF-8?'],
  ])('writes the sender %j as %s', async (fromName, expected) => {
    const raw = (await buildMime({ ...fixed, fromName, subject: 's', text: 't', html: 'h' })).toString(
      'latin1',
    );
    expect(raw).toContain(expected);
    expect(raw.slice(0, raw.indexOf('\r\n\r\n'))).not.toMatch(/^Bcc:/im);
  });

  it('refuses an unsubscribe URL that could inject a header', async () => {
    await expect(
      buildMime({ ...fixed, ...email, unsubscribeUrl: 'http://x/\r\nBcc: a@b' }),
    ).rejects.toThrow();
  });
});

describe('confirmation and staff notice', () => {
  const organisation = { name: 'Org', contact: 'policy@example.org' };
  const confirmation = (overrides: Partial<Parameters<typeof renderConfirmation>[0]>) =>
    renderConfirmation({
      organisation,
      timezone: 'Europe/London',
      email: 'ann@example.org',
      topicTitles: [],
      frequency: 'daily',
      confirmUrl: 'http://localhost:3000/subscriptions/confirm?token=T.S',
      expiresAt: new Date('2026-12-03T07:00:00.000Z'),
      replacesExisting: false,
      ...overrides,
    });

  it('confirmation carries the link, expiry and what it confirms', () => {
    const email = confirmation({ topicTitles: ['Localism Act 2011'], frequency: 'weekly' });
    expect(email.subject).toBe('[Org] Confirm your subscription to policy alerts');
    expect(email.text).toContain('http://localhost:3000/subscriptions/confirm?token=T.S');
    expect(email.text).toContain('Localism Act 2011 (weekly digest)');
    expect(email.text).toContain('until 3 Dec 2026, 07:00');
    expect(email.html).toContain('href="http://localhost:3000/subscriptions/confirm?token=T.S"');
  });

  it('a change for a confirmed address says it replaces the current choice', () => {
    const email = confirmation({
      topicTitles: ['Charity law'],
      frequency: 'immediate',
      replacesExisting: true,
    });
    expect(email.subject).toBe('[Org] Confirm the change to your policy alerts');
    expect(email.text).toContain('replaces your current choice');
  });

  it('staff notice has manage and unsubscribe links', () => {
    const email = renderStaffNotice({
      organisation,
      email: 'ann@example.org',
      topicTitles: ['Charity law'],
      frequency: 'daily',
      links: { manage: 'http://h/manage?token=M', unsubscribe: 'http://h/unsubscribe?token=U' },
    });
    expect(email.text).toContain('http://h/manage?token=M');
    expect(email.text).toContain('http://h/unsubscribe?token=U');
    expect(email.html).toContain('href="http://h/unsubscribe?token=U"');
  });
});
