/**
 * Two digest runs at once over the same subscribers (a CLI `digest` beside the scheduler's, an
 * event delivered twice): each email claims its alerts against the claims record it read, so
 * whichever run claims second re-reads and finds them taken. Every subscriber gets every alert
 * exactly once, and a failed send in one run is left for the next, not lost.
 */
import { describe, expect, it } from 'vitest';
import type { Mailer } from '#shared/domain/ports.ts';
import { createSesMailer, MailSendError } from '#shared/mail/ses-mailer.ts';
import { runDigest } from '#shared/services/digest.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { carriedAndRecorded, numberedAlert, numberedSubscriber } from '../support/digest-runs.ts';
import { useDynalite, useTestSes } from '../support/hooks.ts';
import { mailDeps } from '../support/mail-harness.ts';

const SUBSCRIBERS = 60;
const ALERTS = 4;
const T0 = '2026-11-26T08:00:00.000Z';

const db = useDynalite();
const ses = useTestSes();

const alert = (i: number) => numberedAlert('race', 'Raced alert number', i);
const subscriber = (i: number) => numberedSubscriber('racer', i);

describe('digest runs at the same time', () => {
  it('send every alert to every subscriber exactly once', async () => {
    const { store } = await db.newStore();
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

    const everyone = Array.from({ length: SUBSCRIBERS }, (_, i) => subscriber(i));
    const list = Array.from({ length: ALERTS }, (_, a) => alert(a));
    for (const { email, alert: sent, carrying, recorded } of await carriedAndRecorded(
      ses,
      store,
      everyone,
      list,
    )) {
      expect(carrying, `${email} ${sent.id}`).toEqual([recorded]);
    }
  }, 120_000);
});
