/**
 * @module Shared set-up of the email integration tests (subscriptions, SNS feedback, digests):
 * one small config, a fetcher that records the URLs it was asked for, and ServiceDeps over a
 * dynalite store and the SES emulator.
 */
import { beforeEach } from 'vitest';
import type { Config } from '#shared/config/schema.ts';
import type { Fetcher, FetchRequest, Mailer, Store } from '#shared/domain/ports.ts';
import { createSesMailer } from '#shared/mail/ses-mailer.ts';
import { drainMailQueue } from '#shared/services/mail-queue.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { silentLogger } from '#shared/system/logger.ts';
import { makeConfig } from './builders.ts';
import { useDynalite, useTestSes } from './hooks.ts';
import type { TestSes } from './ses.ts';

export const PUBLIC_URL = 'http://localhost:3999';

/** Answers every request as SNS's SubscribeURL does, keeping the URLs asked for in `visited`. */
export function recordingFetcher(visited: string[]): Fetcher {
  return {
    async fetch(request: FetchRequest) {
      visited.push(request.url);
      return {
        status: 'ok',
        httpStatus: 200,
        url: request.url,
        body: Buffer.from('<ConfirmSubscriptionResponse/>'),
        contentType: 'text/xml',
        charset: null,
        etag: null,
        lastModified: null,
      };
    },
  };
}

export function mailDeps(input: {
  store: Store;
  mailer: Mailer;
  clock: ReturnType<typeof fixedClock>;
  config?: Config;
  fetcher?: Fetcher;
}): ServiceDeps {
  return {
    config: input.config ?? makeConfig(),
    store: input.store,
    fetcher: input.fetcher ?? recordingFetcher([]),
    mailer: input.mailer,
    clock: input.clock,
    logger: silentLogger,
    publicUrl: PUBLIC_URL,
    signingSecret: 'integration-secret',
    staffKeys: [],
    mailFrom: 'alerts@example.org',
  };
}

export interface MailServices {
  deps: ServiceDeps;
  ses: TestSes;
  clock: ReturnType<typeof fixedClock>;
  /** URLs the recording fetcher was asked for in this test. */
  visited: string[];
}

/**
 * The hooks of the email integration tests: dynalite and the SES emulator for the file, a fresh
 * table, an empty inbox, a clock at now and deps over the real SES mailer before each test.
 */
export function useMailServices(use: (services: MailServices) => void): void {
  const db = useDynalite();
  const ses = useTestSes({ clearEachTest: true });
  beforeEach(async () => {
    const { store } = await db.newStore();
    const visited: string[] = [];
    const clock = fixedClock(new Date());
    const deps = mailDeps({
      store,
      mailer: createSesMailer({ client: ses.client, maxSendRate: 1000 }),
      clock,
      fetcher: recordingFetcher(visited),
    });
    use({ deps, ses: drainingFirst(ses, deps), clock, visited });
  });
}

/**
 * The inbox as a test reads it after `start` has drained the outbox queue: reading it sends
 * whatever is queued first (the services only queue one-off mail).
 */
export function drainingFirst(ses: TestSes, deps: ServiceDeps): TestSes {
  return {
    ...ses,
    async emails() {
      await drainMailQueue(deps);
      return ses.emails();
    },
    async emailsTo(address) {
      await drainMailQueue(deps);
      return ses.emailsTo(address);
    },
  };
}
