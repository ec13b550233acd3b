/**
 * @module Alerts and subscribers for the digest tests that run `digest` several times over the
 * same store (killed runs, runs at once): one topic, numbered alerts and addresses.
 */
import type { Store } from '#shared/domain/ports.ts';
import type { Alert, Subscriber } from '#shared/domain/types.ts';
import type { TestSes } from './ses.ts';

/** Alert `<prefix>-alert-<i>` titled `<title> <i>`, detected ten minutes before 08:00 UTC. */
export const numberedAlert = (prefix: string, title: string, i: number): Alert => ({
  id: `${prefix}-alert-${i}`,
  kind: 'new',
  topics: ['localism-act'],
  matched: [{ topic: 'localism-act', terms: ['localism act'] }],
  source: { id: 'leg', title: 'New legislation' },
  title: `${title} ${i}`,
  url: `https://www.legislation.gov.uk/uksi/2026/${i}`,
  summary: '',
  whatChanged: 'New legislation',
  publishedAt: null,
  changedAt: '2026-11-26T07:50:00.000Z',
  detectedAt: '2026-11-26T07:50:00.000Z',
});

/** `<name><iii>@example.org`, confirmed for immediate digests of `localism-act`. */
export const numberedSubscriber = (name: string, i: number): Subscriber => ({
  email: `${name}${String(i).padStart(3, '0')}@example.org`,
  topics: ['localism-act'],
  frequency: 'immediate',
  status: 'confirmed',
  createdAt: '2026-11-26T07:00:00.000Z',
  confirmedAt: '2026-11-26T07:00:00.000Z',
  version: i + 1,
  updatedAt: '2026-11-26T07:00:00.000Z',
});

/** For one (subscriber, alert): the messages the inbox holds carrying it, and what was recorded. */
export interface Carried {
  email: string;
  alert: Alert;
  /** Message ids of the received messages carrying the alert (its title on a line of its own). */
  carrying: string[];
  /** The message id the delivery record holds for it. */
  recorded: string | null | undefined;
  /** Every message id recorded for the subscriber. */
  recordedAll: (string | null)[];
}

/** Every (subscriber, alert) pair with what the SES inbox received and the store recorded. */
export async function carriedAndRecorded(
  ses: TestSes,
  store: Store,
  subscribers: readonly Subscriber[],
  alerts: readonly Alert[],
): Promise<Carried[]> {
  const received = await ses.emails();
  const out: Carried[] = [];
  for (const { email } of subscribers) {
    const mine = received.filter((message) => message.destination.to.some((to) => to.includes(email)));
    const recorded = new Map((await store.deliveries.list(email)).map((d) => [d.alertId, d.messageId]));
    for (const alert of alerts) {
      const carrying = mine
        .filter((message) => (message.body.text ?? '').includes(`${alert.title}\n`))
        .map((message) => message.messageId);
      out.push({
        email,
        alert,
        carrying,
        recorded: recorded.get(alert.id),
        recordedAll: [...recorded.values()],
      });
    }
  }
  return out;
}
