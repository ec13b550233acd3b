/**
 * @module The environment (docs/contract.md, Environment): every variable policy-watch reads, as one
 * zod schema with its defaults, read once by `loadEnv`. Nothing else reads `process.env` for these.
 */
import * as z from 'zod';
import { parseMailbox } from '../shared/domain/mailbox.ts';
import { parseInstant } from '../shared/domain/time.ts';

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

/** Reads the variables once; every invalid one is reported, not only the first. */
export function loadEnv(env: EnvInput): Env {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new EnvError(
    parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? ''), message: issue.message })),
  );
}
