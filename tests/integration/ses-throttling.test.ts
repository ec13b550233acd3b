/**
 * Faults: an SES endpoint that answers `Throttling` (as SES does, over its Query protocol) for
 * some recipients and passes the rest to the SES emulator. Digests and queued mail to those are
 * retried later; the others are never resent.
 */

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscriber } from '#shared/domain/types.ts';
import { createSesMailer } from '#shared/mail/ses-mailer.ts';
import { runDigest } from '#shared/services/digest.ts';
import { drainMailQueue, enqueueMail, mailRetryDelayMs } from '#shared/services/mail-queue.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { makeSubscriber } from '../support/builders.ts';
import { useDynalite, useTestSes } from '../support/hooks.ts';
import { mailDeps } from '../support/mail-harness.ts';

let proxy: Server;
let endpoint: string;
const throttled = new Set<string>();

const THROTTLING = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;

const db = useDynalite();
const ses = useTestSes();
beforeAll(async () => {
  const target = new URL(ses.endpoint);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const to = [...form.entries()].filter(([key]) => key.startsWith('Destinations.')).map(([, v]) => v);
      if (to.some((address) => throttled.has(address))) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(THROTTLING);
        return;
      }
      const forward = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
  endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((done) => proxy?.close(() => done()));
});

async function setup() {
  const { store } = await db.newStore();
  await ses.clear();
  throttled.clear();
  const client = new SESClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const clock = fixedClock('2026-11-26T08:00:00.000Z');
  const mailer = createSesMailer({
    client,
    maxSendRate: 1000,
    maxRetries: 1,
    backoffMs: 1,
    sleep: async () => {},
  });
  return { deps: mailDeps({ store, mailer, clock }), clock };
}

const reader = (email: string): Subscriber =>
  makeSubscriber({ email, frequency: 'immediate', createdAt: '2026-11-26T07:00:00.000Z' });

describe('SES throttling some sends', () => {
  it('digests: the throttled recipient is retried next run, the others are not resent', async () => {
    const { deps, clock } = await setup();
    for (const email of ['a@example.org', 'slow@example.org', 'z@example.org']) {
      await deps.store.subscribers.put(reader(email));
    }
    await deps.store.alerts.create({
      id: 'throttle-alert',
      kind: 'new',
      topics: ['localism-act'],
      matched: [{ topic: 'localism-act', terms: ['localism act'] }],
      source: { id: 'leg', title: 'New legislation' },
      title: 'Localism Act 2011 amended',
      url: 'https://www.legislation.gov.uk/uksi/2026/1',
      summary: '',
      whatChanged: 'New legislation',
      publishedAt: null,
      changedAt: '2026-11-26T07:30:00.000Z',
      detectedAt: '2026-11-26T07:30:00.000Z',
    });
    throttled.add('slow@example.org');
    const first = await runDigest(deps, { frequency: 'immediate' });
    expect(first.sent.map((sent) => sent.email)).toEqual(['a@example.org', 'z@example.org']);
    expect(first.failed).toEqual([
      { email: 'slow@example.org', error: expect.stringContaining('Throttling') },
    ]);

    throttled.clear();
    clock.advance(60_000);
    const second = await runDigest(deps, { frequency: 'immediate' });
    expect(second.sent.map((sent) => sent.email)).toEqual(['slow@example.org']);
    for (const email of ['a@example.org', 'slow@example.org', 'z@example.org']) {
      expect(await ses.emailsTo(email), email).toHaveLength(1);
    }
  });

  it('queued mail: the throttled one waits its back-off, the others go once', async () => {
    const { deps, clock } = await setup();
    const raw = (to: string) =>
      Buffer.from(`From: alerts@example.org\r\nTo: ${to}\r\nSubject: hi\r\n\r\nbody\r\n`);
    for (const to of ['a@example.org', 'slow@example.org', 'z@example.org']) {
      await enqueueMail(deps, { kind: 'test', to, raw: raw(to) });
    }
    throttled.add('slow@example.org');
    expect(await drainMailQueue(deps)).toEqual({ sent: 2, skipped: 0, retried: 1, failed: 0 });
    throttled.clear();
    expect(await drainMailQueue(deps)).toMatchObject({ sent: 0 });
    clock.advance(mailRetryDelayMs(1));
    expect(await drainMailQueue(deps)).toMatchObject({ sent: 1 });
    for (const email of ['a@example.org', 'slow@example.org', 'z@example.org']) {
      expect(await ses.emailsTo(email), email).toHaveLength(1);
    }
  });
});
