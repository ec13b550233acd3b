import { beforeEach, describe, expect, it } from 'vitest';
import type { Mailer, RawEmail } from '#shared/domain/ports.ts';
import type { Alert, Frequency, Subscriber } from '#shared/domain/types.ts';
import { headerLineLengths } from '#shared/mail/mime.ts';
import { createSesMailer, MailSendError } from '#shared/mail/ses-mailer.ts';
import { runDigest } from '#shared/services/digest.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixedClock } from '#shared/system/clock.ts';
import {
  factsheetEntry,
  makeConfig,
  makeLegislationAlert,
  makeSubscriber,
  topicEntry,
} from '../support/builders.ts';
import { useDynalite, useTestSes } from '../support/hooks.ts';
import { mailDeps } from '../support/mail-harness.ts';

const CONFIG = makeConfig({
  topics: ['localism-act', 'charity-law', 'procurement'].map((id) => topicEntry(id)),
  factsheets: [factsheetEntry({ url: 'https://example.org/lsp', reviewedAt: '2026-01-01' })],
});

const START = '2026-11-26T07:00:00.000Z';
let deps: ServiceDeps;
let clock: ReturnType<typeof fixedClock>;
/** Every raw message the mailer was asked to send, to check headers SES parses away. */
let raws: RawEmail[];
/** Addresses whose sends fail (a broken mailbox provider, an SES hiccup). */
let failFor: Set<string>;

const dynalite = useDynalite();
const ses = useTestSes();

beforeEach(async () => {
  const { store } = await dynalite.newStore();
  await ses.clear();
  raws = [];
  failFor = new Set();
  clock = fixedClock(START);
  const ses_ = createSesMailer({ client: ses.client, maxSendRate: 1000 });
  const mailer: Mailer = {
    async sendRaw(email) {
      if (failFor.has(email.to)) throw new MailSendError('SES Throttling: simulated', true);
      raws.push(email);
      return ses_.sendRaw(email);
    },
  };
  deps = mailDeps({ store, mailer, clock, config: CONFIG });
});

let alertCounter = 0;
async function addAlert(topics: string[], overrides: Partial<Alert> = {}): Promise<Alert> {
  alertCounter++;
  const at = clock.now().toISOString();
  const alert = makeLegislationAlert({
    id: `alert-${String(alertCounter).padStart(4, '0')}`,
    topics,
    matched: topics.map((topic) => ({ topic, terms: ['x'] })),
    title: `Alert ${alertCounter} on ${topics.join(' and ')}`,
    url: `https://www.legislation.gov.uk/uksi/2026/${alertCounter}`,
    at,
    ...overrides,
  });
  expect(await deps.store.alerts.create(alert)).toBe(true);
  return alert;
}

async function addSubscriber(
  email: string,
  topics: string[],
  frequency: Frequency,
  overrides: Partial<Subscriber> = {},
): Promise<Subscriber> {
  const subscriber = makeSubscriber({
    email,
    topics,
    frequency,
    createdAt: clock.now().toISOString(),
    version: 1000 + alertCounter,
    ...overrides,
  });
  await deps.store.subscribers.put(subscriber);
  return subscriber;
}

const tick = (minutes = 1) => clock.advance(minutes * 60_000);

describe('digests', () => {
  it('sends each frequency its own subscribers, with the alerts on their topics since confirmation', async () => {
    await addAlert(['localism-act']); // before anyone confirmed: never sent
    tick();
    await addSubscriber('daily@example.org', ['localism-act', 'charity-law'], 'daily');
    await addSubscriber('weekly@example.org', ['procurement'], 'weekly');
    await addSubscriber('immediate@example.org', ['charity-law'], 'immediate');
    tick();
    const a = await addAlert(['charity-law', 'localism-act']);
    const b = await addAlert(['localism-act']);
    const c = await addAlert(['procurement']);
    tick();

    const daily = await runDigest(deps, { frequency: 'daily' });
    expect(daily.sent).toEqual([{ email: 'daily@example.org', messageId: expect.any(String), alerts: 2 }]);
    expect(daily).toMatchObject({ failed: [], skipped: 0 });
    const [email] = await ses.emailsTo('daily@example.org');
    expect(email?.subject).toBe('[Test Org] 2 new alerts: Localism Act 2011, Charity law');
    expect(email?.body.text).toContain(a.title);
    expect(email?.body.text).toContain(b.title);
    expect(email?.body.text).not.toContain(c.title);
    expect(email?.body.text).toContain('Factsheets that may need revising');
    expect(email?.body.text).toContain(
      'subscribed to policy alerts from Test Org on: Localism Act 2011, Charity law (daily digest).',
    );

    const immediate = await runDigest(deps, { frequency: 'immediate' });
    expect(immediate.sent).toEqual([
      { email: 'immediate@example.org', messageId: expect.any(String), alerts: 1 },
    ]);
    const weekly = await runDigest(deps, { frequency: 'weekly' });
    expect(weekly.sent).toMatchObject([{ email: 'weekly@example.org', alerts: 1 }]);
    const [weeklyEmail] = await ses.emailsTo('weekly@example.org');
    expect(weeklyEmail?.subject).toBe('[Test Org] 1 new alert: Procurement');
  });

  it('carries the one-click unsubscribe headers, within line limits', async () => {
    await addSubscriber('ann@example.org', ['localism-act'], 'daily');
    tick();
    await addAlert(['localism-act'], {
      title: `${'Very long hostile title <script> '.repeat(12)}\r\nBcc: x@y`,
    });
    await runDigest(deps, { frequency: 'daily' });
    const raw = raws[0]?.raw ?? Buffer.alloc(0);
    const head =
      raw
        .toString('latin1')
        .split('\r\n\r\n')[0]
        ?.replace(/\r\n[ \t]+/g, ' ') ?? '';
    expect(head).toMatch(/^From: "Test Org" <alerts@example\.org>$/m);
    expect(head).toMatch(
      /^List-Unsubscribe: <http:\/\/localhost:3999\/unsubscribe\?token=[A-Za-z0-9._-]+>$/m,
    );
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(Math.max(...headerLineLengths(raw))).toBeLessThanOrEqual(998);
    const [email] = await ses.emailsTo('ann@example.org');
    expect(Array.from(email?.subject ?? '').length).toBeLessThanOrEqual(150);
  });

  it('sends nothing when there is nothing new, and never repeats an alert', async () => {
    await addSubscriber('bea@example.org', ['localism-act'], 'daily');
    expect(await runDigest(deps, { frequency: 'daily' })).toEqual({ sent: [], failed: [], skipped: 1 });
    tick();
    await addAlert(['localism-act']);
    expect((await runDigest(deps, { frequency: 'daily' })).sent).toHaveLength(1);
    tick(60);
    expect(await runDigest(deps, { frequency: 'daily' })).toEqual({ sent: [], failed: [], skipped: 1 });
    tick();
    const later = await addAlert(['localism-act']);
    const third = await runDigest(deps, { frequency: 'daily' });
    expect(third.sent).toMatchObject([{ email: 'bea@example.org', alerts: 1 }]);
    const emails = await ses.emailsTo('bea@example.org');
    expect(emails).toHaveLength(2);
    expect(emails[1]?.body.text).toContain(later.title);
    const deliveries = await deps.store.deliveries.list('bea@example.org');
    expect(deliveries).toHaveLength(2);
    expect(deliveries.every((d) => d.messageId !== null && d.sentAt !== null)).toBe(true);
  });

  it('retries a failed send on the next run without repeating the others', async () => {
    await addSubscriber('ok1@example.org', ['localism-act'], 'daily');
    await addSubscriber('broken@example.org', ['localism-act'], 'daily');
    await addSubscriber('ok2@example.org', ['localism-act'], 'daily');
    tick();
    await addAlert(['localism-act']);
    failFor.add('broken@example.org');
    const first = await runDigest(deps, { frequency: 'daily' });
    expect(first.sent.map((s) => s.email)).toEqual(['ok1@example.org', 'ok2@example.org']);
    expect(first.failed).toEqual([{ email: 'broken@example.org', error: 'SES Throttling: simulated' }]);
    expect(await deps.store.deliveries.list('broken@example.org')).toEqual([]);

    failFor.clear();
    tick();
    const second = await runDigest(deps, { frequency: 'daily' });
    expect(second).toEqual({
      sent: [{ email: 'broken@example.org', messageId: expect.any(String), alerts: 1 }],
      failed: [],
      skipped: 2,
    });
    expect(await ses.emailsTo('ok1@example.org')).toHaveLength(1);
    expect(await ses.emailsTo('broken@example.org')).toHaveLength(1);
  });

  it('retries a claim left unsent for 15 minutes (a crash between send and record), not sooner', async () => {
    await addSubscriber('cal@example.org', ['localism-act'], 'daily');
    tick();
    const alert = await addAlert(['localism-act']);
    // A run that claimed the email's alerts and crashed before marking them.
    const read = await deps.store.deliveries.deliveryStates([{ email: 'cal@example.org', alertIds: [] }]);
    const crashed = { token: 'crashed-run', claimedAt: clock.now().toISOString(), alertIds: [alert.id] };
    expect(
      await deps.store.deliveries.claim('cal@example.org', read.get('cal@example.org')!, crashed, START),
    ).toBe(true);
    tick(10);
    expect(await runDigest(deps, { frequency: 'daily' })).toMatchObject({ sent: [], skipped: 1 });
    tick(6);
    expect((await runDigest(deps, { frequency: 'daily' })).sent).toMatchObject([{ alerts: 1 }]);
  });

  it('sends at most 100 alerts an email, the rest next run, oldest first', async () => {
    await addSubscriber('dan@example.org', ['charity-law'], 'weekly');
    const alerts: Alert[] = [];
    for (let i = 0; i < 103; i++) {
      tick();
      alerts.push(await addAlert(['charity-law']));
    }
    const first = await runDigest(deps, { frequency: 'weekly' });
    expect(first.sent).toMatchObject([{ alerts: 100 }]);
    const second = await runDigest(deps, { frequency: 'weekly' });
    expect(second.sent).toMatchObject([{ alerts: 3 }]);
    const emails = await ses.emailsTo('dan@example.org');
    expect(emails[1]?.body.text).toContain(alerts[102]?.title);
    expect(emails[1]?.body.text).toContain(alerts[100]?.title);
    expect(emails[1]?.body.text).not.toContain(`${alerts[99]?.title}\n`);
  });

  it('sends nothing to pending, unsubscribed or suppressed addresses', async () => {
    await addSubscriber('p@example.org', ['localism-act'], 'daily', { status: 'pending', confirmedAt: null });
    await addSubscriber('u@example.org', ['localism-act'], 'daily', { status: 'unsubscribed' });
    await addSubscriber('s@example.org', ['localism-act'], 'daily', {
      status: 'suppressed',
      suppressedReason: 'bounce',
    });
    tick();
    await addAlert(['localism-act']);
    expect(await runDigest(deps, { frequency: 'daily' })).toEqual({ sent: [], failed: [], skipped: 0 });
    expect(await ses.emails()).toHaveLength(0);
  });

  it('a dry run renders but sends and records nothing', async () => {
    await addSubscriber('eve@example.org', ['localism-act'], 'daily');
    tick();
    await addAlert(['localism-act']);
    expect(await runDigest(deps, { frequency: 'daily', dryRun: true })).toEqual({
      sent: [{ email: 'eve@example.org', messageId: null, alerts: 1 }],
      failed: [],
      skipped: 0,
    });
    expect(await ses.emails()).toHaveLength(0);
    expect(await deps.store.deliveries.list('eve@example.org')).toEqual([]);
    expect((await runDigest(deps, { frequency: 'daily' })).sent).toMatchObject([{ alerts: 1 }]);
  });

  it('follows the current topics: a topic added later brings its alerts since confirmation', async () => {
    const sub = await addSubscriber('fin@example.org', ['localism-act'], 'daily');
    tick();
    await addAlert(['charity-law']);
    expect(await runDigest(deps, { frequency: 'daily' })).toMatchObject({ skipped: 1 });
    await deps.store.subscribers.put({ ...sub, topics: ['localism-act', 'charity-law'] });
    expect((await runDigest(deps, { frequency: 'daily' })).sent).toMatchObject([{ alerts: 1 }]);
  });
});
