/**
 * Two digest runs at once over the same subscribers (a CLI `digest` beside the scheduler's, an
 * event delivered twice): each email claims its alerts against the claims record it read, so
 * whichever run claims second re-reads and finds them taken. Every subscriber gets every alert
 * exactly once, and a failed send in one run is left for the next, not lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '#shared/domain/ports.ts';
import type { Alert, Subscriber } from '#shared/domain/types.ts';
import { createSesMailer, MailSendError } from '#shared/mail/ses-mailer.ts';
import { runDigest } from '#shared/services/digest.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { createTestStore, startDynalite, type TestDynalite } from '../support/dynalite.ts';
import { mailDeps } from '../support/mail-harness.ts';
import { startTestSes, type TestSes } from '../support/ses.ts';

const SUBSCRIBERS = 60;
const ALERTS = 4;
const T0 = '2026-11-26T08:00:00.000Z';

let db: TestDynalite;
let ses: TestSes;
beforeAll(async () => {
  [db, ses] = await Promise.all([startDynalite(), startTestSes()]);
});
afterAll(async () => {
  await Promise.all([db?.close(), ses?.close()]);
});

const alert = (i: number): Alert => ({
  id: `race-alert-${i}`,
  kind: 'new',
  topics: ['localism-act'],
  matched: [{ topic: 'localism-act', terms: ['localism act'] }],
  source: { id: 'leg', title: 'New legislation' },
  title: `Raced alert number ${i}`,
  url: `https://www.legislation.gov.uk/uksi/2026/${i}`,
  summary: '',
  whatChanged: 'New legislation',
  publishedAt: null,
  changedAt: '2026-11-26T07:50:00.000Z',
  detectedAt: '2026-11-26T07:50:00.000Z',
});

const subscriber = (i: number): Subscriber => ({
  email: `racer${String(i).padStart(3, '0')}@example.org`,
  topics: ['localism-act'],
  frequency: 'immediate',
  status: 'confirmed',
  createdAt: '2026-11-26T07:00:00.000Z',
  confirmedAt: '2026-11-26T07:00:00.000Z',
  version: i + 1,
  updatedAt: '2026-11-26T07:00:00.000Z',
});

describe('digest runs at the same time', () => {
  it('send every alert to every subscriber exactly once', async () => {
    const { store } = await createTestStore(db);
    await ses.clear();
    for (let i = 0; i < ALERTS; i++) await store.alerts.create(alert(i));
    for (let i = 0; i < SUBSCRIBERS; i++) await store.subscribers.put(subscriber(i));
    const clock = fixedClock(T0);
    const ses_ = createSesMailer({ client: ses.client, maxSendRate: 1000 });
    // One run's sends to a few addresses fail: those are retried by a later run.
    const failing = new Set([subscriber(7).email, subscriber(31).email]);
    const flaky: Mailer = {
      async sendRaw(email) {
        if (failing.has(email.to)) throw new MailSendError('SES Throttling: simulated', true);
        return ses_.sendRaw(email);
      },
    };
    const runs = await Promise.all([
      runDigest(mailDeps({ store, clock, mailer: ses_ }), { frequency: 'immediate', concurrency: 3 }),
      runDigest(mailDeps({ store, clock, mailer: flaky }), { frequency: 'immediate', concurrency: 5 }),
      runDigest(mailDeps({ store, clock, mailer: ses_ }), { frequency: 'immediate', concurrency: 1 }),
    ]);
    const sent = runs.flatMap((report) => report.sent.map((entry) => entry.email));
    expect(new Set(sent).size).toBe(sent.length);

    clock.advance(60_000);
    const later = await runDigest(mailDeps({ store, clock, mailer: ses_ }), { frequency: 'immediate' });
    expect(later.failed).toEqual([]);
    expect(
      await runDigest(mailDeps({ store, clock, mailer: ses_ }), { frequency: 'immediate' }),
    ).toMatchObject({
      sent: [],
    });

    const received = await ses.emails();
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const { email } = subscriber(i);
      const mine = received.filter((message) => message.destination.to.some((to) => to.includes(email)));
      const recorded = new Map((await store.deliveries.list(email)).map((d) => [d.alertId, d.messageId]));
      for (let a = 0; a < ALERTS; a++) {
        const carrying = mine.filter((message) =>
          (message.body.text ?? '').includes(`Raced alert number ${a}\n`),
        );
        expect(
          carrying.map((message) => message.messageId),
          `${email} alert ${a}`,
        ).toEqual([recorded.get(`race-alert-${a}`)]);
      }
    }
  }, 120_000);
});
