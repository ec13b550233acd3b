/**
 * @module The composition root's inputs (docs/contract.md §5): the environment read once and validated, the
 * config file, local secrets, and `buildDeps` turning them into the `ServiceDeps` every use case
 * takes. Lambda handlers pass values from SST links through the same `buildDeps`;
 * `openLocalDeps` (local/local-deps.ts) adds the embedded store and mail sink, loaded lazily by
 * the one-shot commands (cli/command-deps.ts) so that nothing here reaches `functions/local/`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';
import packageJson from '../package.json' with { type: 'json' };
import { type Config, type ConfigResult, parseConfigText } from '../shared/config/schema.ts';
import { parseMailbox } from '../shared/domain/mailbox.ts';
import type { Clock, Fetcher, Logger, Mailer } from '../shared/domain/ports.ts';
import { parseInstant } from '../shared/domain/time.ts';
import { createSesMailer } from '../shared/mail/ses-mailer.ts';
import type { ServiceDeps } from '../shared/services/service-deps.ts';
import { createHttpFetcher, userAgent } from '../shared/sources/fetch/fetcher.ts';
import { createDocumentClient, createDynamoStore, ensureTable } from '../shared/store/index.ts';
import { clockStartingAt, systemClock } from '../shared/system/clock.ts';
import { createLogger } from '../shared/system/logger.ts';

export const VERSION: string = packageJson.version;
export const DEFAULT_CONFIG_PATH = 'config/watch.json';

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());
const port = z.coerce.number().int().min(0).max(65_535);
const url = z.url({ protocol: /^https?$/ });

const EnvSchema = z.object({
  DYNAMODB_ENDPOINT: optional(url),
  TABLE_NAME: optional(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/)).transform((v) => v ?? 'policy-watch'),
  SES_ENDPOINT: optional(url),
  MAIL_PORT: optional(port).transform((v) => v ?? 8005),
  AWS_REGION: optional(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/)).transform((v) => v ?? 'eu-west-2'),
  MAIL_FROM: optional(
    z.string().refine((v) => parseMailbox(v) !== null, 'must be an email address, optionally Name <address>'),
  ),
  PORT: optional(port).transform((v) => v ?? 3000),
  // Written as URLs travel: an internationalised host in punycode, a non-ASCII path
  // percent-encoded (a List-Unsubscribe header cannot carry either as typed).
  PUBLIC_URL: optional(url).transform((v) => (v === undefined ? v : new URL(v).href.replace(/\/+$/, ''))),
  STAFF_API_KEYS: optional(z.string()).transform((v) =>
    v === undefined
      ? undefined
      : v
          .split(',')
          .map((key) => key.trim())
          .filter(Boolean),
  ),
  SIGNING_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  SES_FEEDBACK_TOPIC_ARNS: optional(z.string()).transform((v) =>
    (v ?? '')
      .split(',')
      .map((arn) => arn.trim())
      .filter(Boolean),
  ),
  DATA_DIR: optional(z.string()).transform((v) => v ?? '.data'),
  // Kept as written: a date-only or offset-less value is read in `digests.timezone` (docs/contract.md
  // preamble), which is only known with the config (`clockFor`).
  POLICY_WATCH_NOW: optional(
    z.string().refine((v) => parseInstant(v, 'UTC') !== null, 'must be an ISO 8601 date or instant'),
  ),
  POLICY_WATCH_CONFIG: optional(z.string()),
});

/** The environment of docs/contract.md §5, validated, with defaults applied. */
export type Env = z.output<typeof EnvSchema>;
export type EnvInput = Readonly<Record<string, string | undefined>>;

export class EnvError extends Error {
  override name = 'EnvError';
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`invalid environment: ${issues.map((issue) => `${issue.variable} ${issue.message}`).join('; ')}`);
  }
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

/** Reads the variables once; every invalid one is reported, not only the first. */
export function loadEnv(env: EnvInput): Env {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new EnvError(
    parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? ''), message: issue.message })),
  );
}

/** `--config PATH` beats `POLICY_WATCH_CONFIG`, else `config/watch.json`; relative to `cwd`. */
export function resolveConfigPath(configArg: string | undefined, env: EnvInput, cwd = process.cwd()): string {
  return resolve(cwd, configArg || env.POLICY_WATCH_CONFIG || DEFAULT_CONFIG_PATH);
}

/** The config file, parsed and validated; an unreadable file is a config error too. */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { ok: false, errors: [{ path: '', message: `cannot read config file ${path}: ${reason}` }] };
  }
  return parseConfigText(text);
}

export interface Secrets {
  staffKeys: string[];
  signingSecret: string;
  /** The key `start` prints: the one generated into DATA_DIR when `STAFF_API_KEYS` is unset. */
  generatedStaffKey: string | null;
}

/** Local default: keys generated once into `DATA_DIR` (mode 0600) when not in the environment. */
export async function localSecrets(env: Env): Promise<Secrets> {
  const generated = env.STAFF_API_KEYS?.length
    ? null
    : await readOrCreate(
        join(env.DATA_DIR, 'staff-api-key'),
        () => `pw_${randomBytes(24).toString('base64url')}`,
      );
  const signingSecret =
    env.SIGNING_SECRET ??
    (await readOrCreate(join(env.DATA_DIR, 'signing-secret'), () => randomBytes(32).toString('base64url')));
  return {
    staffKeys: env.STAFF_API_KEYS?.length ? env.STAFF_API_KEYS : [generated ?? ''],
    signingSecret,
    generatedStaffKey: generated,
  };
}

async function readOrCreate(path: string, make: () => string): Promise<string> {
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(resolve(path, '..'), { recursive: true });
  const value = make();
  try {
    // `wx`: two processes racing both end up with the first one's value.
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw error;
  }
  await chmod(path, 0o600);
  return value;
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
  secrets: Pick<Secrets, 'staffKeys' | 'signingSecret'>;
  /** Unset: the AWS endpoint of `AWS_REGION` (Lambda). */
  storeEndpoint?: string;
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
  const ses = new SESClient({
    region: env.AWS_REGION,
    ...(options.sesEndpoint
      ? { endpoint: options.sesEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const mailer = createSesMailer({ client: ses, maxSendRate: config.digests.maxSendRate });
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
