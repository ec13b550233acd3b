/**
 * @module ServiceDeps for service-level integration tests: the real HTTP fetcher (loopback
 * allowed per source), a real dynalite store, a fixed clock and a mailer that records.
 */

import { type Config, parseConfig } from '#shared/config/schema.ts';
import type { Mailer, RawEmail, Store } from '#shared/domain/ports.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { createHttpFetcher } from '#shared/sources/fetch/fetcher.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { silentLogger } from '#shared/system/logger.ts';

export function configFrom(raw: unknown): Config {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(`bad test config: ${JSON.stringify(result.errors, null, 2)}`);
  return result.config;
}

export class MemoryMailer implements Mailer {
  readonly sent: RawEmail[] = [];
  async sendRaw(email: RawEmail): Promise<{ messageId: string }> {
    this.sent.push(email);
    return { messageId: `memory-${this.sent.length}` };
  }
}

export function serviceDeps(input: { config: Config; store: Store; now: string; mailer?: Mailer }) {
  const clock = fixedClock(input.now);
  const fetcher = createHttpFetcher({
    userAgent: 'policy-watch/test (+mailto:test@example.org; Test)',
    retries: 0,
    perHostRatePerSecond: 1000,
    perHostConcurrency: 4,
  });
  const deps: ServiceDeps = {
    config: input.config,
    store: input.store,
    fetcher,
    mailer: input.mailer ?? new MemoryMailer(),
    clock,
    logger: silentLogger,
    publicUrl: 'http://localhost:3000',
    signingSecret: 'test-signing-secret',
    staffKeys: ['test-staff-key'],
    mailFrom: input.config.digests.from,
  };
  return { deps, clock, fetcher };
}
