import { describe, expect, it } from 'vitest';
import type { Mailer, RawEmail, Store } from '#shared/domain/ports.ts';
import type { Subscriber } from '#shared/domain/types.ts';
import { classify } from '#shared/mail/ses-mailer.ts';
import {
  drainMailQueue,
  enqueueMail,
  MAIL_MAX_ATTEMPTS,
  MAIL_STALE_CLAIM_MS,
  mailRetryDelayMs,
} from '#shared/services/mail-queue.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { createConfirmedSubscriber, requestSubscription } from '#shared/services/subscriptions.ts';
import { type MailServices, useMailServices } from '../support/mail-harness.ts';

let services: MailServices;
useMailServices((s) => {
  services = s;
});

const AT = '2026-03-01T10:00:00.000Z';
const subscriber = (email: string, status: Subscriber['status']): Subscriber => ({
  email,
  topics: ['localism-act'],
  frequency: 'daily',
  status,
  createdAt: AT,
  confirmedAt: status === 'pending' ? null : AT,
  version: 7,
  updatedAt: AT,
  ...(status === 'suppressed' ? { suppressedReason: 'bounce' } : {}),
});

/** The store with every repository method call recorded as `repo.method`. */
function countingStore(store: Store, calls: string[]): Store {
  const wrap = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(key)}`);
          return value.apply(target, args);
        };
      },
    });
  return Object.fromEntries(
    Object.entries(store).map(([name, repo]) => [
      name,
      typeof repo === 'object' && repo !== null ? wrap(name, repo) : repo,
    ]),
  ) as unknown as Store;
}

/** A mailer that answers SES Throttling for some addresses and records the rest. */
function flakyMailer(failFor: Set<string>): Mailer & { sent: RawEmail[] } {
  const sent: RawEmail[] = [];
  return {
    sent,
    async sendRaw(email) {
      if (failFor.has(email.to)) {
        throw classify(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }));
      }
      sent.push(email);
      return { messageId: `m-${sent.length}` };
    },
  };
}

const choice = { topics: ['localism-act'], frequency: 'daily' as const, client: '203.0.113.9' };

describe('outbox queue', () => {
  it('a subscription request does the same store work for a suppressed address and sends nothing itself', async () => {
    const { deps } = services;
    await deps.store.subscribers.put(subscriber('gone@example.org', 'suppressed'));
    await deps.store.subscribers.put(subscriber('here@example.org', 'confirmed'));
    const mailer = flakyMailer(new Set());
    const traces: string[][] = [];
    for (const email of ['gone@example.org', 'here@example.org']) {
      const calls: string[] = [];
      const counted: ServiceDeps = { ...deps, mailer, store: countingStore(deps.store, calls) };
      expect(await requestSubscription(counted, { email, ...choice })).toEqual({ status: 'pending' });
      traces.push(calls);
    }
    expect(traces[0]).toEqual(traces[1]);
    expect(traces[0]).toContain('mailQueue.enqueue');
    expect(mailer.sent).toHaveLength(0);

    // The drain mails the one and declines the other.
    const report = await drainMailQueue({ ...deps, mailer });
    expect(report).toEqual({ sent: 1, skipped: 1, retried: 0, failed: 0 });
    expect(mailer.sent.map((mail) => mail.to)).toEqual(['here@example.org']);
    expect(await drainMailQueue({ ...deps, mailer })).toEqual({ sent: 0, skipped: 0, retried: 0, failed: 0 });
  });

  it('staff creation only queues the notice; the drain sends it once', async () => {
    const { deps, ses } = services;
    const result = await createConfirmedSubscriber(deps, { email: 'new@example.org', ...choice });
    expect(result).toMatchObject({ status: 'created', noticeSent: true });
    expect(await ses.emailsTo('new@example.org')).toHaveLength(1);
    expect(await ses.emailsTo('new@example.org')).toHaveLength(1);
  });

  it('retries a throttled send with back-off, never resending the others, and gives up after N attempts', async () => {
    const { deps, clock } = services;
    const failing = new Set(['slow@example.org']);
    const mailer = flakyMailer(failing);
    const logs: { level: string; message: string }[] = [];
    const logged: ServiceDeps = {
      ...deps,
      mailer,
      logger: {
        log: (level, message) => logs.push({ level, message }),
        child: () => logged.logger,
      },
    };
    const raw = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    const slow = await enqueueMail(logged, { kind: 'test', to: 'slow@example.org', raw });
    for (const to of ['a@example.org', 'b@example.org']) await enqueueMail(logged, { kind: 'test', to, raw });

    expect(await drainMailQueue(logged)).toEqual({ sent: 2, skipped: 0, retried: 1, failed: 0 });
    expect((await deps.store.mailQueue.get(slow))?.attempts).toBe(1);
    // Not due before its back-off.
    expect(await drainMailQueue(logged)).toEqual({ sent: 0, skipped: 0, retried: 0, failed: 0 });
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) {
      clock.advance(mailRetryDelayMs(attempt));
      const report = await drainMailQueue(logged);
      expect(report.sent).toBe(0);
      expect(report.retried + report.failed).toBe(1);
    }
    expect((await deps.store.mailQueue.get(slow))?.outcome).toMatchObject({ status: 'failed' });
    expect(logs.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
      'queued mail given up',
    ]);
    clock.advance(24 * 3600_000);
    expect(await drainMailQueue(logged)).toEqual({ sent: 0, skipped: 0, retried: 0, failed: 0 });
    expect(mailer.sent.map((mail) => mail.to).sort()).toEqual(['a@example.org', 'b@example.org']);
  });

  it('a recovered throttle is sent on the next drain', async () => {
    const { deps, clock } = services;
    const failing = new Set(['later@example.org']);
    const mailer = flakyMailer(failing);
    const raw = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    await enqueueMail({ ...deps, mailer }, { kind: 'test', to: 'later@example.org', raw });
    expect((await drainMailQueue({ ...deps, mailer })).retried).toBe(1);
    failing.clear();
    clock.advance(mailRetryDelayMs(1));
    expect((await drainMailQueue({ ...deps, mailer })).sent).toBe(1);
    expect(mailer.sent).toHaveLength(1);
  });

  it('a claim left by a crashed drain is sent again only once it is stale', async () => {
    const { deps, clock } = services;
    const mailer = flakyMailer(new Set());
    const raw = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    const id = await enqueueMail({ ...deps, mailer }, { kind: 'test', to: 'c@example.org', raw });
    const at = clock.now().toISOString();
    expect(await deps.store.mailQueue.claim(id, at, at)).toBe(true);
    expect(await drainMailQueue({ ...deps, mailer })).toMatchObject({ sent: 0 });
    clock.advance(MAIL_STALE_CLAIM_MS + 1000);
    expect(await drainMailQueue({ ...deps, mailer })).toMatchObject({ sent: 1 });
    expect((await deps.store.mailQueue.get(id))?.outcome).toEqual({ status: 'sent', messageId: 'm-1' });
  });
});
