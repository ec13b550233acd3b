/**
 * @module The alert's shape, declared once as zod schemas (docs/contract.md §6): the domain types
 * (shared/domain/types.ts) are inferred from them, the store parses stored alerts with them and
 * the HTTP schemas extend them with OpenAPI descriptions.
 */
import * as z from 'zod';
import { ALERT_KINDS } from './vocabulary.ts';

const nullableString = z.string().nullable();

/** A reference to a piece of legislation: `id` is `TYPE/YEAR/NUMBER` (e.g. `ukpga/2011/20`). */
export const legislationRefSchema = z.object({
  id: z.string(),
  title: nullableString,
  /** The URI as the source gave it (e.g. `http://www.legislation.gov.uk/id/ukpga/2011/20`). */
  uri: z.string().optional(),
});

export const inForceSchema = z.object({ date: nullableString, qualification: nullableString });

/** A legislation.gov.uk `ukm:Effect` (a change to legislation), as alerts expose it. */
export const legislationEffectSchema = z.object({
  affected: legislationRefSchema.nullable(),
  affecting: legislationRefSchema.nullable(),
  effect: nullableString,
  provisions: z.object({ affected: nullableString, affecting: nullableString }),
  inForce: z.array(inForceSchema),
});

export const lineDiffSchema = z.object({ added: z.array(z.string()), removed: z.array(z.string()) });

export const topicMatchSchema = z.object({
  topic: z.string(),
  /** Why it matched: the query terms found, or the legislation id. */
  terms: z.array(z.string()),
});

/** An alert, exactly as the API returns it. */
export const alertSchema = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  topics: z.array(z.string()),
  matched: z.array(topicMatchSchema),
  source: z.object({ id: z.string(), title: z.string() }),
  title: z.string(),
  url: z.string(),
  summary: z.string(),
  whatChanged: z.string(),
  publishedAt: nullableString,
  changedAt: z.string(),
  detectedAt: z.string(),
  legislation: legislationEffectSchema.optional(),
  diff: lineDiffSchema.optional(),
});
