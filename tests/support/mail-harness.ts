/**
 * @module Shared set-up of the email integration tests (subscriptions, SNS feedback, digests):
 * one small config, a fetcher that records the URLs it was asked for, and ServiceDeps over a
 * dynalite store and the SES emulator.
 */
import type { fixedClock } from '#shared/clock.ts';
import type { Config } from '#shared/config.ts';
import { silentLogger } from '#shared/logger.ts';
import type { Fetcher, FetchRequest, Mailer, Store } from '#shared/ports.ts';
import type { ServiceDeps } from '#shared/services/deps.ts';
import { configFrom } from './service-deps.ts';

export const PUBLIC_URL = 'http://localhost:3999';

/** Two topics (plus whatever `extra` adds), one source; SPEC defaults elsewhere. */
export function mailTestConfig(extra: Record<string, unknown> = {}): Config {
  const base = {
    organisation: { name: 'Test Org', contact: 'policy@example.org' },
    sources: [{ id: 'leg', kind: 'feed', url: 'https://www.legislation.gov.uk/new/data.feed' }],
    topics: [
      { id: 'localism-act', title: 'Localism Act 2011', query: '"localism act"' },
      { id: 'charity-law', title: 'Charity law', query: 'charity' },
    ],
    digests: { from: 'alerts@example.org' },
  };
  return configFrom({ ...base, ...extra });
}

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
    config: input.config ?? mailTestConfig(),
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
