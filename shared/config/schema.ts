/**
 * @module The configuration file (docs/contract.md §2): the zod schema is the single definition; the types,
 * the JSON Schema (`npm run schema`) and every validation message come from it.
 */
import * as z from 'zod';
import { DISPLAY_NAME_MAX, parseMailbox } from '../domain/mailbox.ts';
import { parseCitationRef, refText } from '../domain/provisions.ts';
import { isFiveFieldCron } from './cron.ts';
import { type ConfigError, crossFieldErrors, looseView } from './rules.ts';

export type { ConfigError } from './rules.ts';

/** Longest organisation name: it heads every email subject and From line. */
export const ORGANISATION_NAME_MAX = 120;

const ID = /^[a-z0-9-]+$/;
const DURATION = /^[1-9][0-9]*(m|h|d|w)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

const MINUTE = 60_000;
const UNIT_MS = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE, w: 7 * 24 * 60 * MINUTE } as const;

/** Milliseconds in a duration such as `15m`, `1h`, `30d`, `2w`. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(text.slice(0, -1)) * UNIT_MS[match[1] as keyof typeof UNIT_MS];
}

const id = z.string().regex(ID, 'must match [a-z0-9-]+ (lower-case letters, digits and hyphens)');
const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL')
  .describe('absolute http(s) URL');
const duration = z
  .string()
  .regex(DURATION, 'must be a duration like 15m, 1h, 30d or 2w')
  .describe('a whole number followed by m, h, d or w');
// Any Unicode is welcome (an internationalised domain is checked in its punycode form).
const email = z
  .string()
  .refine((value) => {
    const parsed = parseMailbox(value);
    return parsed !== null && parsed.name === undefined;
  }, 'must be an email address')
  .describe('email address (an internationalised domain is fine)');
const mailbox = z
  .string()
  .refine(
    (value) => parseMailbox(value) !== null,
    'must be an email address, optionally with a name: Name <address>',
  )
  .refine(
    (value) => (parseMailbox(value)?.name?.length ?? 0) <= DISPLAY_NAME_MAX,
    `the display name must be at most ${DISPLAY_NAME_MAX} characters`,
  )
  .describe('sender address, e.g. alerts@example.org or "Policy Team <alerts@example.org>"');
const cron = z
  .string()
  .refine(isFiveFieldCron, 'must be a 5-field cron expression (minute hour day-of-month month day-of-week)');
const timezone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London');
const dateOrInstant = z
  .string()
  .refine(
    (value) => (DATE.test(value) || INSTANT.test(value)) && !Number.isNaN(Date.parse(value)),
    'must be a date (YYYY-MM-DD) or an ISO 8601 instant',
  );
const selector = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const sourceCommon = {
  id,
  title: z.string().min(1).optional().describe('shown in alerts and digests; defaults to the id'),
  url: httpUrl,
  every: duration
    .refine((value) => !DURATION.test(value) || durationMs(value) >= 5 * MINUTE, 'must be at least 5m')
    .default('1h')
    .describe('how often the scheduler polls it; at least 5m'),
  backfill: z
    .union([z.literal('none'), z.literal('all'), duration])
    .default('30d')
    .describe('on the first poll: alert items changed within this window ("none", "all" or a duration)'),
  maxPages: z.number().int().min(1).max(100).default(10).describe('feed paging bound (rel="next")'),
  allowPrivateNetwork: z
    .boolean()
    .default(false)
    .describe('allow loopback, private and link-local targets (also after redirects)'),
  timeoutMs: z.number().int().min(100).max(120_000).optional().describe('per request; default 10000'),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .optional()
    .describe('largest body accepted; default 10 MiB'),
};

export const FeedSourceSchema = z.object({ ...sourceCommon, kind: z.literal('feed') }).strict();
export const GovukSearchSourceSchema = z
  .object({ ...sourceCommon, kind: z.literal('govuk-search') })
  .strict();
export const PageSourceSchema = z
  .object({
    ...sourceCommon,
    kind: z.literal('page'),
    select: selector.default('body').describe('CSS selector(s) of the watched region'),
    items: z
      .object({
        each: z.string().min(1),
        title: z.string().min(1).optional(),
        link: z.string().min(1).optional(),
        text: z.string().min(1).optional(),
      })
      .strict()
      .optional()
      .describe('split the region into items'),
  })
  .strict();

export const SourceSchema = z.discriminatedUnion('kind', [
  FeedSourceSchema,
  GovukSearchSourceSchema,
  PageSourceSchema,
]);

export const TopicSchema = z
  .object({
    id,
    title: z.string().min(1),
    query: z.string().min(1).describe('query language, docs/contract.md §2'),
  })
  .strict();

const citation = z
  .string()
  .refine(
    (value) => parseCitationRef(value) !== null,
    'must be a legislation.gov.uk path TYPE/YEAR/NUMBER, optionally followed by section/N, part/N, part/N/chapter/N, schedule/N, schedule/N/paragraph/N, regulation/N or article/N',
  )
  .transform((value) => refText(parseCitationRef(value)!))
  .describe('legislation.gov.uk path such as ukpga/2011/20/section/81 (lower-cased)');

export const FactsheetSchema = z
  .object({
    id,
    title: z.string().min(1),
    url: httpUrl.optional(),
    topics: z.array(id).describe('may be empty when the factsheet cites legislation'),
    cites: z.array(citation).default([]).describe('the legislation the factsheet rests on'),
    readCitations: z
      .boolean()
      .default(false)
      .describe("also read citations from the factsheet's own url (HTML or PDF), once a day"),
    allowPrivateNetwork: z
      .boolean()
      .default(false)
      .describe('allow loopback, private and link-local targets when reading the factsheet'),
    reviewedAt: dateOrInstant.describe('date (end of that day) or instant of the last review'),
  })
  .strict()
  .superRefine((sheet, context) => {
    if (sheet.topics.length === 0 && sheet.cites.length === 0 && !sheet.readCitations) {
      context.addIssue({
        code: 'custom',
        path: ['topics'],
        message:
          'must list at least one topic unless the factsheet cites legislation (cites or readCitations)',
      });
    }
    if (sheet.readCitations && sheet.url === undefined) {
      context.addIssue({ code: 'custom', path: ['url'], message: 'readCitations needs the factsheet url' });
    }
  });

export const LegislationSchema = z
  .object({
    baseUrl: httpUrl
      .default('https://www.legislation.gov.uk')
      .describe("where cited Acts' changes feeds and contents are read"),
    allowPrivateNetwork: z.boolean().default(false),
    every: duration
      .refine((value) => !DURATION.test(value) || durationMs(value) >= 5 * MINUTE, 'must be at least 5m')
      .default('1h')
      .describe("how often each cited Act's changes feed is polled"),
  })
  .strict();

export const DigestsSchema = z
  .object({
    from: mailbox,
    timezone: timezone.default('Europe/London'),
    daily: cron.default('0 7 * * *'),
    weekly: cron.default('0 7 * * 1'),
    maxAlertsPerEmail: z.number().int().min(1).max(100).default(100),
    maxSendRate: z.number().min(0.1).max(1000).default(10).describe('emails per second at most'),
  })
  .strict();

export const PollingSchema = z
  .object({
    concurrency: z.number().int().min(1).max(64).default(8).describe('sources polled at once'),
    perHostConcurrency: z.number().int().min(1).max(16).default(2),
    perHostRatePerSecond: z.number().min(0.1).max(100).default(5),
    tick: cron.default('* * * * *').describe('how often the local scheduler looks for due sources'),
  })
  .strict();

export const EscalationSchema = z
  .object({
    staffEmail: email.describe('told once when a source keeps failing, and once when it recovers'),
    failuresBeforeEscalation: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .describe('failed polls in a row before the staff address is told'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    organisation: z
      .object({
        name: z
          .string()
          .min(1)
          .max(ORGANISATION_NAME_MAX, {
            message: `must be at most ${ORGANISATION_NAME_MAX} characters: it goes into every email's From and subject`,
          }),
        contact: email,
      })
      .strict(),
    sources: z.array(SourceSchema),
    topics: z.array(TopicSchema),
    factsheets: z.array(FactsheetSchema).default([]),
    digests: DigestsSchema,
    polling: PollingSchema.default(PollingSchema.parse({})),
    escalation: EscalationSchema.optional().describe('email staff about sources that keep failing'),
    legislation: LegislationSchema.default(LegislationSchema.parse({})).describe(
      'cited legislation: changes feeds and contents (defaults to legislation.gov.uk)',
    ),
  })
  .strict();

export type Config = z.output<typeof ConfigSchema>;
export type SourceConfig = z.output<typeof SourceSchema>;
export type PageSourceConfig = z.output<typeof PageSourceSchema>;
export type TopicConfig = z.output<typeof TopicSchema>;
export type FactsheetConfig = z.output<typeof FactsheetSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };

/**
 * Validates a parsed JSON document: the schema, then the rules that span fields (ids, topic
 * references, queries). Both always run, so every error is reported at once; a cross-field
 * error on a path the schema already rejected is left out.
 */
export function parseConfig(raw: unknown): ConfigResult {
  const parsed = ConfigSchema.safeParse(raw);
  const schemaErrors = parsed.success ? [] : parsed.error.issues.map((issue) => issueToError(issue, raw));
  const rejected = new Set(schemaErrors.map((error) => error.path));
  const errors = [
    ...schemaErrors,
    ...crossFieldErrors(looseView(parsed.success ? parsed.data : raw)).filter(
      (error) => !rejected.has(error.path),
    ),
  ];
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, config: parsed.data };
}

/** Parses the text of a config file, reporting bad JSON with its line and column. */
export function parseConfigText(text: string): ConfigResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return parseConfig(raw);
}

function issueToError(issue: z.core.$ZodIssue, raw: unknown): ConfigError {
  const path = formatPath(issue.path);
  // zod's discriminated-union message names neither the value nor the field's purpose.
  if (issue.code === 'invalid_union' && issue.path[issue.path.length - 1] === 'kind') {
    const value = valueAt(raw, issue.path);
    const shown =
      typeof value === 'string' ? `"${value}"` : value === undefined ? 'missing' : JSON.stringify(value);
    return { path, message: `unknown kind ${shown} (expected feed, govuk-search or page)` };
  }
  return { path, message: issue.message };
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `['sources', 1, 'url']` → `sources[1].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** The title a source shows: its `title`, else its id. */
export function sourceTitle(source: SourceConfig): string {
  return source.title ?? source.id;
}
