/**
 * @module The composition root (docs/architecture.md): `buildDeps` turns the environment
 * (env.ts), the config (config-file.ts) and the secrets into the clients, adapters and
 * `ServiceDeps` every use case takes. Lambda handlers pass values from SST links
 * (lambda-wiring.ts); `openLocalDeps` (local/local-deps.ts) adds the embedded store and mail sink,
 * loaded lazily by the one-shot commands (cli/command-deps.ts) so that nothing here reaches
 * `functions/local/`.
 */
import packageJson from '../package.json' with { type: 'json' };
import type { Config } from '../shared/config/schema.ts';
import type { Clock, Fetcher, Logger, Mailer } from '../shared/domain/ports.ts';
import { parseInstant } from '../shared/domain/time.ts';
import type { ServiceDeps } from '../shared/services/service-deps.ts';
import { createHttpFetcher, userAgent } from '../shared/sources/fetch/fetcher.ts';
import {
  createDocumentClient,
  createDynamoStore,
  ensureTable,
  type StoreTransport,
} from '../shared/store/index.ts';
import { clockStartingAt, systemClock } from '../shared/system/clock.ts';
import { createLogger } from '../shared/system/logger.ts';
import { onceUntilFailure } from '../shared/system/once.ts';
import type { Env } from './env.ts';
import type { SesTransportOptions } from './ses-transport.ts';

export const VERSION: string = packageJson.version;

/** The staff API keys and the signing secret, wherever they came from. */
export interface Secrets {
  staffKeys: string[];
  signingSecret: string;
}

/** The store could not be reached (or its table not created) when a command opened it. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(endpoint: string, tableName: string, cause: unknown) {
    super(
      `cannot open table ${tableName} at ${endpoint}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * `POLICY_WATCH_NOW` starts the clock at that instant; it runs on from there. A date-only or
 * offset-less value is a wall-clock time in `zone` (the config's `digests.timezone`).
 */
export function clockFor(env: Env, base: Clock = systemClock, zone = 'UTC'): Clock {
  const start = env.POLICY_WATCH_NOW ? parseInstant(env.POLICY_WATCH_NOW, zone) : null;
  return start ? clockStartingAt(start, base) : base;
}

export interface BuildDepsOptions {
  env: Env;
  config: Config;
  secrets: Secrets;
  /** Unset: the AWS endpoint of `AWS_REGION` (Lambda). */
  storeEndpoint?: string;
  /** How the store client reaches `storeEndpoint`; unset: HTTP (the embedded store's host passes its in-process transport). */
  storeTransport?: StoreTransport;
  /** Unset: the AWS endpoint of `AWS_REGION` (Lambda). */
  sesEndpoint?: string;
  /** Table name from an SST link; default `TABLE_NAME`. */
  tableName?: string;
  /** Sender from an SST link; default `MAIL_FROM`, then `digests.from`. */
  mailFrom?: string;
  /** Default `PUBLIC_URL`, else `http://localhost:<PORT>`. */
  publicUrl?: string;
  /** Create the table when missing (local endpoints); on AWS SST owns it. */
  ensureTable?: boolean;
  /** Wraps the SES mailer (the local outbox). */
  wrapMailer?: (mailer: Mailer) => Mailer;
  logger?: Logger;
  clock?: Clock;
  fetcher?: Fetcher;
  /** SNS topics whose SES feedback is accepted; default `SES_FEEDBACK_TOPIC_ARNS`. */
  snsTopicArns?: readonly string[];
}

export async function buildDeps(options: BuildDepsOptions): Promise<ServiceDeps> {
  const { env, config } = options;
  const client = createDocumentClient({
    region: env.AWS_REGION,
    ...(options.storeEndpoint ? { endpoint: options.storeEndpoint } : {}),
    ...(options.storeTransport ? { transport: options.storeTransport } : {}),
  });
  const tableName = options.tableName ?? env.TABLE_NAME;
  if (options.ensureTable) {
    try {
      await ensureTable(client, tableName);
    } catch (error) {
      throw new StoreUnavailableError(
        options.storeEndpoint ?? `DynamoDB in ${env.AWS_REGION}`,
        tableName,
        error,
      );
    }
  }
  const mailer = lazySesMailer({
    region: env.AWS_REGION,
    maxSendRate: config.digests.maxSendRate,
    ...(options.sesEndpoint ? { endpoint: options.sesEndpoint } : {}),
  });
  return {
    config,
    store: createDynamoStore({ client, tableName }),
    fetcher:
      options.fetcher ??
      createHttpFetcher({
        userAgent: userAgent(VERSION, config.organisation.name, config.organisation.contact),
        perHostConcurrency: config.polling.perHostConcurrency,
        perHostRatePerSecond: config.polling.perHostRatePerSecond,
      }),
    mailer: options.wrapMailer ? options.wrapMailer(mailer) : mailer,
    clock: options.clock ?? clockFor(env, systemClock, config.digests.timezone),
    logger: options.logger ?? createLogger(),
    publicUrl: (options.publicUrl ?? env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    signingSecret: options.secrets.signingSecret,
    staffKeys: options.secrets.staffKeys,
    mailFrom: options.mailFrom ?? env.MAIL_FROM ?? config.digests.from,
    snsTopicArns: options.snsTopicArns ?? env.SES_FEEDBACK_TOPIC_ARNS,
  };
}

/**
 * The SES `Mailer`, its client loaded and built on the first message: most runs of a command (a
 * poll with nothing to escalate) and most Lambda invocations send nothing, so none pays for it.
 */
export function lazySesMailer(options: SesTransportOptions): Mailer {
  return lazyMailer(async () => (await import('./ses-transport.ts')).sesMailer(options));
}

/** A mailer whose transport is set up on the first message (once, shared by concurrent sends). */
export function lazyMailer(start: () => Promise<Mailer>): Mailer {
  const ready = onceUntilFailure(start);
  return { sendRaw: async (email) => (await ready()).sendRaw(email) };
}
