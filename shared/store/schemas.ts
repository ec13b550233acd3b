/**
 * @module Parsers for items read back from the table (parse, don't validate): each turns a raw
 * DynamoDB item into a trusted domain object, dropping key attributes on the way (zod objects
 * strip unknown keys).
 */
import * as z from 'zod';
import type {
  Delivery,
  DeliveryClaim,
  DigestWatermark,
  FactsheetReview,
  SourceState,
  StoredItem,
  Subscriber,
} from '../domain/types.ts';
import { FREQUENCIES, POLL_STATUSES, SUBSCRIBER_STATUSES } from '../domain/vocabulary.ts';

const nullableString = z.string().nullable();
const frequency = z.enum(FREQUENCIES);

/** Stored alerts have the API's shape (`domain/alert-schema.ts`). */
export { alertSchema } from '../domain/alert-schema.ts';

export const sourceStateSchema = z.object({
  sourceId: z.string(),
  url: z.string(),
  lastPolledAt: nullableString,
  lastStatus: z.enum(POLL_STATUSES).nullable(),
  httpStatus: z.number().int().nullable(),
  consecutiveFailures: z.number().int(),
  lastError: nullableString,
  etag: nullableString,
  lastModified: nullableString,
  bodyHash: nullableString,
  firstPolledAt: nullableString,
  itemCount: z.number().int().nullable().optional(),
  failingSince: nullableString.optional(),
  escalatedAt: nullableString.optional(),
}) satisfies z.ZodType<SourceState>;

/**
 * A page region's lines are stored as one string (`linesText`, joined by `\n`: a line never holds
 * one, nor is empty): one attribute to convert, send and check instead of a list of one per line,
 * about a tenth of a first poll of 200 pages. Records written before keep their `lines` list and
 * read the same.
 */
export const storedItemSchema = z
  .object({
    sourceId: z.string(),
    key: z.string(),
    version: z.string(),
    itemDate: nullableString,
    alerted: z.boolean(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    lines: z.array(z.string()).optional(),
    linesText: z.string().optional(),
    fingerprint: z.string().optional(),
  })
  .transform(({ linesText, ...item }): StoredItem => {
    if (linesText === undefined) return item;
    return { ...item, lines: linesText === '' ? [] : linesText.split('\n') };
  }) satisfies z.ZodType<StoredItem, unknown>;

/** The stored form of an item's lines (storedItemSchema reads it back). */
export function storedLines(lines: readonly string[] | undefined): { linesText?: string } {
  return lines === undefined ? {} : { linesText: lines.join('\n') };
}

export const reviewSchema = z.object({
  reviewedAt: z.string(),
  note: nullableString,
  at: z.string(),
}) satisfies z.ZodType<FactsheetReview>;

export const subscriberSchema = z.object({
  email: z.string(),
  topics: z.array(z.string()),
  frequency,
  status: z.enum(SUBSCRIBER_STATUSES),
  createdAt: z.string(),
  confirmedAt: nullableString,
  version: z.number().int(),
  pending: z.object({ topics: z.array(z.string()), frequency, requestedAt: z.string() }).optional(),
  suppressedReason: z.string().optional(),
  updatedAt: z.string(),
}) satisfies z.ZodType<Subscriber>;

/** Absent `messageId`/`sentAt` (an unsent claim) read as null. */
export const deliverySchema = z.object({
  email: z.string(),
  alertId: z.string(),
  claimedAt: z.string(),
  messageId: nullableString.default(null),
  sentAt: nullableString.default(null),
}) satisfies z.ZodType<Delivery, unknown>;

/** An address's claims record (store/deliveries.ts): its version and the claims it holds. */
export const deliveryClaimsSchema = z.object({
  seq: z.number().int(),
  claims: z.array(z.object({ token: z.string(), claimedAt: z.string(), alertIds: z.array(z.string()) })),
}) satisfies z.ZodType<{ seq: number; claims: DeliveryClaim[] }, unknown>;

export const watermarkSchema = z.object({
  through: z.string(),
  topics: z.array(z.string()),
  confirmedAt: z.string(),
}) satisfies z.ZodType<DigestWatermark, unknown>;

/** Parses a stored item, naming the entity and key in the error so a bad record is findable. */
export function parseStored<T>(schema: z.ZodType<T>, raw: Record<string, unknown>, what: string): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const where = `${String(raw.pk ?? '?')} / ${String(raw.sk ?? '?')}`;
  throw new Error(`stored ${what} ${where} is malformed: ${z.prettifyError(result.error)}`, {
    cause: result.error,
  });
}
