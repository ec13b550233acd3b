/**
 * @module The shapes every layer shares: parsed items, stored versions, alerts (docs/contract.md §6),
 * subscribers and per-source poll state. Pure types, no I/O.
 */

import type * as z from 'zod';
import type {
  alertSchema,
  inForceSchema,
  legislationEffectSchema,
  legislationRefSchema,
  lineDiffSchema,
  topicMatchSchema,
} from './alert-schema.ts';
import type {
  ALERT_KINDS,
  FREQUENCIES,
  POLL_STATUSES,
  SCHEDULED_FREQUENCIES,
  SOURCE_KINDS,
  SUBSCRIBER_STATUSES,
} from './vocabulary.ts';

export type SourceKind = (typeof SOURCE_KINDS)[number];
export type PollStatus = (typeof POLL_STATUSES)[number];
export type AlertKind = (typeof ALERT_KINDS)[number];
export type Frequency = (typeof FREQUENCIES)[number];
/** A frequency served by a scheduled digest run (not `immediate`). */
export type ScheduledFrequency = (typeof SCHEDULED_FREQUENCIES)[number];
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/** A reference to a piece of legislation: `id` is `TYPE/YEAR/NUMBER` (e.g. `ukpga/2011/20`). */
export type LegislationRef = z.infer<typeof legislationRefSchema>;
export type InForce = z.infer<typeof inForceSchema>;
/** A legislation.gov.uk `ukm:Effect` (a change to legislation), as alerts expose it. */
export type LegislationEffect = z.infer<typeof legislationEffectSchema>;
export type LineDiff = z.infer<typeof lineDiffSchema>;

/**
 * One item as a parser produced it, before change detection. Text fields are plain text
 * (HTML already reduced); dates are ISO instants in UTC or null.
 */
export interface ParsedItem {
  /** Identity within its source: Atom `id`, RSS `guid`, else the link (docs/contract.md §3). */
  key: string;
  title: string;
  /** Absolute URL a person should open. */
  url: string;
  summary: string;
  /** Content text; for a `page` item without `items`, the region's lines joined by `\n`. */
  content: string;
  publishedAt: string | null;
  updatedAt: string | null;
  /** Every link the item carries (ids, alternates), for `legislation:` matching. */
  links: string[];
  /** legislation.gov.uk effect (changes feeds). */
  effect?: LegislationEffect;
  /** Other facts kept from the source: ukm metadata, bill stage, GOV.UK organisations… */
  meta?: ItemMeta;
}

export interface ItemMeta {
  documentMainType?: string;
  year?: string;
  number?: string;
  /** Parliament bills RSS `p4:stage`. */
  stage?: string;
  categories?: string[];
  organisations?: string[];
  /** GOV.UK `content_store_document_type` / `format`. */
  documentType?: string;
  /** legislation.gov.uk effect `Applied`. */
  applied?: boolean;
}

/** What is stored per (source, item): the version last seen and whether it was ever alerted. */
export interface StoredItem {
  sourceId: string;
  key: string;
  version: string;
  /** The item's own date for this version (`updated` else `published`), or null. */
  itemDate: string | null;
  /** True once any version of the item produced an alert (so the next is `updated`). */
  alerted: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Lines of a page region, kept to diff the next version against. */
  lines?: string[];
  /** A feed entry's fingerprint for this version: an equal one next time needs no conversion. */
  fingerprint?: string;
}

export type TopicMatch = z.infer<typeof topicMatchSchema>;
/** An alert, exactly as the API returns it (docs/contract.md §6); the shape is `alertSchema`'s. */
export type Alert = z.infer<typeof alertSchema>;

export interface SourceState {
  sourceId: string;
  /** The URL these validators belong to; a config URL change resets the state. */
  url: string;
  lastPolledAt: string | null;
  lastStatus: PollStatus | null;
  httpStatus: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Hash of the last first-page body, to skip re-processing when nothing changed. */
  bodyHash: string | null;
  /** When the first successful poll completed (backfill applies until then). */
  firstPolledAt: string | null;
  /**
   * Items read at the last parse: a 304 or an unchanged body is not parsed again, yet the
   * source still has them, so `poll` reports this count rather than 0.
   */
  itemCount?: number | null;
  /** First poll of the current run of failures (null or absent while the source works). */
  failingSince?: string | null;
  /** When staff were told this run of failures; cleared once the recovery is reported. */
  escalatedAt?: string | null;
}

export interface FactsheetReview {
  reviewedAt: string;
  note: string | null;
  /** When the review was recorded. */
  at: string;
}

export interface Subscriber {
  email: string;
  topics: string[];
  frequency: Frequency;
  status: SubscriberStatus;
  createdAt: string;
  confirmedAt: string | null;
  /** Bumped whenever the subscription is re-created: older manage/unsubscribe tokens die. */
  version: number;
  /** A pending change for an already confirmed address, applied on confirmation. */
  pending?: { topics: string[]; frequency: Frequency; requestedAt: string };
  /** Why the address is suppressed (bounce, complaint). */
  suppressedReason?: string;
  updatedAt: string;
}

/** One (subscriber, alert) delivery record: claimed before sending, marked after (docs/contract.md §7). */
export interface Delivery {
  email: string;
  alertId: string;
  claimedAt: string;
  messageId: string | null;
  sentAt: string | null;
}

/**
 * One email's claim on its alerts, made before the send (docs/contract.md §7). An address's
 * claims live in one record, so an email claims all its alerts with one conditional write.
 */
export interface DeliveryClaim {
  /** Tells this claim from another made at the same instant. */
  token: string;
  claimedAt: string;
  alertIds: string[];
}

/**
 * Where the last complete digest run left a subscriber: every alert on `topics` detected before
 * `through` was delivered. Valid only while the subscription still has these topics and this
 * `confirmedAt` (a changed choice brings back the backlog docs/contract.md §4 promises).
 */
export interface DigestWatermark {
  through: string;
  topics: string[];
  confirmedAt: string;
}

/** A cited Act's contents as last read from legislation.gov.uk (containment map), with its status. */
export interface ActContents {
  /** `ukpga/2011/20` */
  id: string;
  title: string | null;
  /** `section/81` → [`part/5`, `part/5/chapter/2`]; null until read once. */
  containers: Record<string, string[]> | null;
  /** When the contents were last read successfully. */
  fetchedAt: string | null;
  lastAttemptAt: string;
  error: string | null;
}

/** Citations read from a factsheet's own page or PDF; a failed read keeps the earlier ones. */
export interface PageCitations {
  factsheetId: string;
  url: string;
  citations: { ref: string; text: string }[];
  /** When the document was last read successfully. */
  readAt: string | null;
  lastAttemptAt: string;
  error: string | null;
}
