/**
 * @module zod schemas of the API documents (docs/contract.md §6), named with `.openapi()` so that
 * `/openapi.json` carries them as components. Responses are documented, requests validated.
 */
import { z } from '@hono/zod-openapi';
import { alertSchema, legislationEffectSchema, lineDiffSchema } from '../domain/alert-schema.ts';
import { FREQUENCIES, POLL_STATUSES, SOURCE_KINDS, SUBSCRIBER_STATUSES } from '../domain/vocabulary.ts';

const instant = z.string().openapi({ format: 'date-time', example: '2026-11-26T07:00:00.000Z' });
const nullableInstant = instant.nullable();

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum([
        'invalid_request',
        'unauthorized',
        'not_found',
        'conflict',
        'payload_too_large',
        'rate_limited',
        'internal',
      ]),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const LegislationRefSchema = z
  .object({ id: z.string().openapi({ example: 'ukpga/2011/20' }), title: z.string().nullable() })
  .openapi('LegislationRef');

/** The domain's alert schema, with the API's formats, descriptions and staff judgements. */
export const AlertSchema = alertSchema
  .extend({
    url: z.string().openapi({ format: 'uri' }),
    summary: z.string().openapi({ description: 'plain text, at most 500 characters, "" if none' }),
    publishedAt: nullableInstant,
    changedAt: instant,
    detectedAt: instant,
    legislation: legislationEffectSchema
      .extend({ affected: LegislationRefSchema.nullable(), affecting: LegislationRefSchema.nullable() })
      .optional()
      .openapi({ description: 'legislation.gov.uk effect; omitted when not applicable' }),
    diff: lineDiffSchema
      .optional()
      .openapi({ description: 'line diff of a watched page; omitted when not applicable' }),
    judged: z
      .array(z.object({ topic: z.string(), relevant: z.boolean() }))
      .optional()
      .openapi({ description: "staff's standing judgements per topic; omitted when never judged" }),
  })
  .openapi('Alert');

/** The paging fields every cursor-paged listing takes: `limit` 1..100 (default 20) and `cursor`. */
export const PAGE_QUERY = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ type: 'integer', default: 20, minimum: 1, maximum: 100, description: 'page size, 1 to 100' }),
  cursor: z.string().optional().openapi({ description: 'nextCursor of the previous page' }),
};

export const AlertPageSchema = z
  .object({ items: z.array(AlertSchema), nextCursor: z.string().nullable() })
  .openapi('AlertPage');

const pollStatus = z.enum(POLL_STATUSES).nullable();

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    sources: z.array(
      z.object({ id: z.string(), lastStatus: pollStatus, consecutiveFailures: z.number().int() }),
    ),
  })
  .openapi('Health');

export const SourceSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.enum(SOURCE_KINDS),
    url: z.string(),
    lastPolledAt: nullableInstant,
    lastStatus: pollStatus,
    consecutiveFailures: z.number().int(),
    lastError: z.string().nullable(),
  })
  .openapi('Source');

export const TopicSchema = z
  .object({ id: z.string(), title: z.string(), query: z.string() })
  .openapi('Topic');

export const CitationSchema = z
  .object({
    ref: z.string().openapi({ example: 'ukpga/2011/20/section/81' }),
    from: z.enum(['config', 'page']),
    text: z.string().optional().openapi({ description: 'the written citation as found (page citations)' }),
  })
  .openapi('Citation');

export const BecauseSchema = z
  .union([
    z.object({
      reason: z.literal('cites'),
      citation: z.string().openapi({ description: 'the most specific citation containing the change' }),
      provision: z
        .string()
        .nullable()
        .openapi({ description: "the effect's affected provision, as in legislation.provisions.affected" }),
    }),
    z.object({ reason: z.literal('topic'), topics: z.array(z.string()) }),
  ])
  .openapi('Because');

export const EvidenceAlertSchema = AlertSchema.extend({ because: BecauseSchema }).openapi('EvidenceAlert');

export const FactsheetSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    url: z.string().nullable(),
    topics: z.array(z.string()),
    reviewedAt: z
      .string()
      .openapi({ description: 'as given: a date (YYYY-MM-DD) from the config, an instant from a review' }),
    citations: z.array(CitationSchema).openapi({ description: 'one per ref; config wins over page' }),
    stale: z.boolean(),
    staleSince: nullableInstant,
    severity: z.enum(['high', 'normal']).nullable().openapi({
      description:
        'high: some evidence changes a cited provision; normal: only topic evidence; null: not stale',
    }),
    evidenceCount: z.number().int(),
    evidence: z.array(EvidenceAlertSchema).openapi({ description: 'newest changedAt first, at most 100' }),
  })
  .openapi('Factsheet');

export const ReviewRequestSchema = z
  .object({
    reviewedAt: z
      .string()
      .optional()
      .openapi({ description: 'instant (default now); offset-less values are read in digests.timezone' }),
    note: z.string().max(2000).optional(),
  })
  .openapi('ReviewRequest');

const frequency = z.enum(FREQUENCIES);

export const SubscriberSchema = z
  .object({
    email: z.string(),
    topics: z.array(z.string()),
    frequency,
    status: z.enum(SUBSCRIBER_STATUSES),
    createdAt: instant,
    confirmedAt: nullableInstant,
  })
  .openapi('Subscriber');

/** Email syntax and topic ids are checked again by the service against the config. */
export const SubscriptionRequestSchema = z
  .object({
    email: z
      .string()
      .trim()
      .max(254)
      .pipe(z.email('must be an email address'))
      .openapi({ format: 'email', example: 'someone@example.org' }),
    topics: z.array(z.string()).min(1, 'choose at least one topic'),
    frequency,
  })
  .openapi('SubscriptionRequest');

export const PendingSchema = z.object({ status: z.literal('pending') }).openapi('SubscriptionPending');

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

export const JudgementRequestSchema = z
  .object({
    topic: z.string().min(1).max(200).openapi({ description: "one of the alert's topics" }),
    relevant: z.boolean(),
    note: z.string().max(2000).optional(),
  })
  .openapi('JudgementRequest');

export const JudgementSchema = z
  .object({
    type: z.literal('judgement'),
    alertId: z.string(),
    topic: z.string(),
    relevant: z.boolean(),
    note: z.string().optional(),
    at: instant,
  })
  .openapi('Judgement');

export const MissedRequestSchema = z
  .object({
    title: z.string().max(500),
    url: z.string().max(2048).openapi({ format: 'uri', description: 'http or https' }),
    summary: z.string().max(2000).optional(),
    topics: z.array(z.string()).min(1, 'choose at least one topic'),
  })
  .openapi('MissedRequest');

export const MissedSchema = z
  .object({
    type: z.literal('missed'),
    id: z.string(),
    title: z.string(),
    url: z.string().openapi({ format: 'uri' }),
    summary: z.string().optional(),
    topics: z.array(z.string()),
    at: instant,
  })
  .openapi('MissedItem');

export const FeedbackPageSchema = z
  .object({
    items: z.array(z.union([JudgementSchema, MissedSchema])),
    nextCursor: z.string().nullable(),
  })
  .openapi('FeedbackPage');

export const QualitySchema = z
  .object({
    topic: z.string(),
    judged: z.number().int(),
    relevant: z.number().int(),
    notRelevant: z.number().int(),
    missed: z.number().int(),
    precision: z.number().nullable().openapi({ description: 'relevant / judged; null when judged is 0' }),
    recall: z
      .number()
      .nullable()
      .openapi({ description: 'relevant / (relevant + missed); null when both are 0' }),
    falseTerms: z
      .array(z.object({ term: z.string(), count: z.number().int() }))
      .openapi({ description: 'terms of alerts judged not relevant, once per alert, most frequent first' }),
  })
  .openapi('TopicQuality');
