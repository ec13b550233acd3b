/**
 * @module The single-table design (docs/architecture.md §3): every key builder, one named function per access
 * pattern, and the table definition the SST infra and `ensureTable` both use. Generic attribute
 * names (`pk`, `sk`, `gsi1*`, `gsi2*`) keep the table free of entity-specific schema; every item
 * also carries `entity` and `v` (schema version).
 */
import { createHash } from 'node:crypto';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Schema version written on every item; bump when a stored shape changes incompatibly. */
export const SCHEMA_VERSION = 1;

/** DynamoDB TTL attribute (epoch seconds): rate-limit counters and finished queued mail carry it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

export interface Key {
  pk: string;
  sk: string;
}

/** Everything `CreateTable` needs except the name; infra asserts its table equals this. */
export const TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
    { AttributeName: 'gsi2pk', AttributeType: 'S' },
    { AttributeName: 'gsi2sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: GSI1,
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: GSI2,
      KeySchema: [
        { AttributeName: 'gsi2pk', KeyType: 'HASH' },
        { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

// DynamoDB caps a sort key at 1024 bytes; item keys are URLs that can exceed it.
const MAX_KEY_PART_BYTES = 512;

function boundedPart(value: string): string {
  if (Buffer.byteLength(value, 'utf8') <= MAX_KEY_PART_BYTES) return value;
  return `H#${createHash('sha256').update(value).digest('base64url')}`;
}

/**
 * Canonical instant for sort keys: fixed-width ISO so string order equals time order. Inputs that
 * are not dates are kept as given (they still sort, just not chronologically).
 */
export function instantKey(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** Position of an alert in every time-ordered listing: `AT#<detectedAt>#<id>`. */
export function alertPosition(detectedAt: string, id: string): string {
  return `AT#${instantKey(detectedAt)}#${id}`;
}

// ---------------------------------------------------------------- sources and items

/** One source's poll state. */
export const sourceStateKey = (sourceId: string): Key => ({ pk: `SOURCE#${sourceId}`, sk: 'STATE' });
/** All source states (gsi1), ordered by id. */
export const allSourcesIndex = (sourceId: string) => ({ gsi1pk: 'SOURCES', gsi1sk: sourceId });
/** A stored item version, in its source's partition. */
export const itemKey = (sourceId: string, itemKey: string): Key => ({
  pk: `SOURCE#${sourceId}`,
  sk: `ITEM#${boundedPart(itemKey)}`,
});

// ---------------------------------------------------------------- alerts

/** The alert record, fetched by id; carries the overall and per-source orderings. */
export const alertKey = (id: string): Key => ({ pk: `ALERT#${id}`, sk: 'ALERT' });
/** All alerts by detection time (gsi1). */
export const allAlertsIndex = (detectedAt: string, id: string) => ({
  gsi1pk: 'ALERTS',
  gsi1sk: alertPosition(detectedAt, id),
});
/**
 * Whether an alert record (or its gsi1/gsi2 entry) is listed: it has listing keys and not the
 * `unlisted` marker a takeover puts while it purges index entries (alerts.ts).
 */
export const isListedAlert = (item: Record<string, unknown>): boolean =>
  item.gsi1pk !== undefined && item.unlisted === undefined;
/** A source's alerts by detection time (gsi2). */
export const sourceAlertsIndex = (sourceId: string, detectedAt: string, id: string) => ({
  gsi2pk: `SOURCE#${sourceId}`,
  gsi2sk: alertPosition(detectedAt, id),
});
/** A topic's copy of an alert, ordered by detection time within the topic partition. */
export const topicAlertKey = (topic: string, detectedAt: string, id: string): Key => ({
  pk: `TOPIC#${topic}`,
  sk: alertPosition(detectedAt, id),
});
/** Partition key of a topic's alert copies. */
export const topicPartition = (topic: string): string => `TOPIC#${topic}`;

/**
 * Alerts whose `changedAt` lags their detection by at least this much (backfill, an old item
 * first seen late) are also copied into "late" partitions, so an `until` listing can skip the
 * detection range only late alerts can match instead of reading and dropping all of it.
 */
export const LATE_LAG_MS = 24 * 60 * 60 * 1000;
/** A late partition: `ALL`, `TOPIC#<id>` or `SOURCE#<id>`, mirroring the listings. */
export const latePartition = (scope: string): string => `LATE#${scope}`;
/** A late alert's copy in one late partition, at its listing position. */
export const lateAlertKey = (scope: string, detectedAt: string, id: string): Key => ({
  pk: latePartition(scope),
  sk: alertPosition(detectedAt, id),
});
/** Present once every alert stored before late copies existed has them (set by the first poll). */
export const lateIndexMarkerKey: Key = { pk: 'META', sk: 'LATE-INDEX' };
/** The alert listings' generation: replaced after every write that can change a listing (listing-generation.ts). */
export const listingGenerationKey: Key = { pk: 'META', sk: 'LISTING-GENERATION' };

// ---------------------------------------------------------------- feedback on relevance

/** Position of a standing judgement in the feedback listings: `AT#<at>#J#<alertId>#<topic>`. */
export const judgementPosition = (at: string, alertId: string, topic: string): string =>
  `AT#${instantKey(at)}#J#${alertId}#${topic}`;
/** Position of a missed item in the feedback listings: `AT#<at>#M#<id>`. */
export const missedPosition = (at: string, id: string): string => `AT#${instantKey(at)}#M#${id}`;
/**
 * The standing judgement of an alert for one topic, beside the alert. A later judgement is a put
 * on the same key, so its index entries below move with it: no listing ever shows a replaced one.
 */
export const judgementKey = (alertId: string, topic: string): Key => ({
  pk: `ALERT#${alertId}`,
  sk: `JUDGE#${topic}`,
});
/** A missed publication reported by staff. */
export const missedKey = (id: string): Key => ({ pk: `MISSED#${id}`, sk: 'MISSED' });
/** A missed item's copy for one of its topics, carrying that topic's feedback position (gsi2). */
export const missedTopicKey = (id: string, topic: string): Key => ({
  pk: `MISSED#${id}`,
  sk: `TOPIC#${topic}`,
});
/** All standing feedback (gsi1), newest `at` first: judgements and missed items. */
export const allFeedbackIndex = (position: string) => ({ gsi1pk: 'FEEDBACK', gsi1sk: position });
/** One topic's standing feedback (gsi2): its judgements and the copies of missed items listing it. */
export const topicFeedbackIndex = (topic: string, position: string) => ({
  gsi2pk: `FEEDBACK#${topic}`,
  gsi2sk: position,
});

// ---------------------------------------------------------------- factsheets

/** One API review of a factsheet, ordered by when it was recorded. */
export const reviewKey = (factsheetId: string, at: string, seq = ''): Key => ({
  pk: `FACTSHEET#${factsheetId}`,
  sk: `REVIEW#${instantKey(at)}${seq}`,
});
/** Every review of every factsheet (gsi1), grouped by factsheet then time. */
export const allReviewsIndex = (factsheetId: string, at: string) => ({
  gsi1pk: 'REVIEWS',
  gsi1sk: `${factsheetId}#${instantKey(at)}`,
});

// ---------------------------------------------------------------- cited legislation

/** A cited Act's contents (containment map and read status). */
export const actContentsKey = (actId: string): Key => ({ pk: `ACT#${actId}`, sk: 'CONTENTS' });
/** Every Act's contents (gsi1), by id. */
export const allActContentsIndex = (actId: string) => ({ gsi1pk: 'ACT-CONTENTS', gsi1sk: actId });
/** A title seen for an Act in legislation.gov.uk data, one record per (Act, title). */
export const actTitleKey = (actId: string, title: string): Key => ({
  pk: `ACT#${actId}`,
  sk: `TITLE#${boundedPart(title)}`,
});
/** Every Act title (gsi1). */
export const allActTitlesIndex = (actId: string, title: string) => ({
  gsi1pk: 'ACT-TITLES',
  gsi1sk: `${actId}#${boundedPart(title)}`,
});
/** The citations read from a factsheet's own page or PDF. */
export const pageCitationsKey = (factsheetId: string): Key => ({
  pk: `FACTSHEET#${factsheetId}`,
  sk: 'PAGE-CITATIONS',
});
/** Every factsheet's page citations (gsi1). */
export const allPageCitationsIndex = (factsheetId: string) => ({
  gsi1pk: 'PAGE-CITATIONS',
  gsi1sk: factsheetId,
});

// ---------------------------------------------------------------- subscribers and deliveries

/** A subscriber, by normalised address. */
export const subscriberKey = (email: string): Key => ({ pk: `SUB#${email}`, sk: 'SUBSCRIBER' });
/** All subscribers (gsi1), ordered by address. */
export const allSubscribersIndex = (email: string) => ({ gsi1pk: 'SUBSCRIBERS', gsi1sk: email });
/** Subscribers by status and frequency (gsi2): the digest run's `listConfirmed`. */
export const subscribersByStatusIndex = (status: string, frequency: string, email: string) => ({
  gsi2pk: `SUBS#${status}#${frequency}`,
  gsi2sk: email,
});
/** One (subscriber, alert) delivery, in the subscriber's partition so delete can sweep it. */
export const deliveryKey = (email: string, alertId: string): Key => ({
  pk: `SUB#${email}`,
  sk: `DELIVERY#${alertId}`,
});
export const DELIVERY_PREFIX = 'DELIVERY#';
/** How far the subscriber's digests have got, beside its deliveries (delete sweeps both). */
export const watermarkKey = (email: string): Key => ({ pk: `SUB#${email}`, sk: 'WATERMARK' });
/** The subscriber's delivery claims (one conditional write per email), beside its deliveries. */
export const deliveryClaimsKey = (email: string): Key => ({ pk: `SUB#${email}`, sk: 'CLAIMS' });

// ---------------------------------------------------------------- mail queue (outbox)

/** One queued email (confirmation, staff notice, escalation), by its random id. */
export const queuedMailKey = (id: string): Key => ({ pk: `MAIL#${id}`, sk: 'MAIL' });
export const DUE_MAIL_PARTITION = 'MAIL-DUE';
/**
 * Unfinished queued mail by when it is next due (gsi1, sparse: removed once the mail is sent,
 * skipped or given up), so a drain reads only what is due with one key-bounded query.
 */
export const dueMailIndex = (dueAt: string, id: string) => ({
  gsi1pk: DUE_MAIL_PARTITION,
  gsi1sk: `${instantKey(dueAt)}#${id}`,
});

// ---------------------------------------------------------------- rate limits

/** One fixed-window counter. */
export const rateLimitKey = (key: string, windowStart: string): Key => ({
  pk: `RATE#${boundedPart(key)}`,
  sk: `WINDOW#${instantKey(windowStart)}`,
});
