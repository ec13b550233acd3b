/**
 * @module The ports: interfaces only. Services depend on these; `shared/store`, `shared/sources`
 * and `shared/mail` hold the one real (AWS SDK / HTTP) implementation of each, and tests use
 * hand-written fakes typed as the port.
 */

import type { Feedback, MissedItem, StoredJudgement } from './feedback.ts';
import type {
  ActContents,
  Alert,
  Delivery,
  DeliveryClaim,
  DigestWatermark,
  FactsheetReview,
  Frequency,
  PageCitations,
  SourceState,
  StoredItem,
  Subscriber,
} from './types.ts';

export interface Clock {
  now(): Date;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

// ---------------------------------------------------------------- fetching

export interface FetchRequest {
  url: string;
  /** Validators from the previous response, sent back as If-None-Match / If-Modified-Since. */
  etag?: string | null;
  lastModified?: string | null;
  /** Accept header. */
  accept?: string;
  /** Content types (lower-case, no parameters) accepted; others fail the request. */
  acceptTypes?: readonly string[];
  allowPrivateNetwork?: boolean;
  /** Defaults: 10 s total, 10 MiB, 5 redirects. */
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
}

export type FetchResult =
  | {
      status: 'ok';
      httpStatus: number;
      /** Final URL after redirects. */
      url: string;
      body: Buffer;
      /** Lower-case media type without parameters, e.g. `application/atom+xml`. */
      contentType: string | null;
      /** `charset` parameter of Content-Type, if any. */
      charset: string | null;
      etag: string | null;
      lastModified: string | null;
    }
  | { status: 'not-modified'; httpStatus: 304; url: string };

/** Fails with `FetchError` (shared/sources/errors.ts), carrying a precise message and code. */
export interface Fetcher {
  fetch(request: FetchRequest): Promise<FetchResult>;
}

// ---------------------------------------------------------------- mail

export interface RawEmail {
  from: string;
  to: string;
  /** The whole RFC 5322 message. */
  raw: Buffer;
}

export interface Mailer {
  /** Returns the provider's message id. Throws on failure; `retryable` on the error when so. */
  sendRaw(email: RawEmail): Promise<{ messageId: string }>;
}

// ---------------------------------------------------------------- poll fan-out

/** Where the scheduled poll hands due sources to workers, one message per source (SQS on AWS). */
export interface PollQueue {
  /** Queues one poll of each source; rejects when any message was refused. */
  enqueue(sourceIds: readonly string[]): Promise<void>;
}

// ---------------------------------------------------------------- store

export interface SourceStateRepo {
  get(sourceId: string): Promise<SourceState | null>;
  list(): Promise<SourceState[]>;
  put(state: SourceState): Promise<void>;
  /** Sets (or with null clears) only `escalatedAt` of an existing state record. */
  setEscalatedAt(sourceId: string, escalatedAt: string | null): Promise<void>;
  /** Puts several states in batches (each stands alone; not atomic). */
  putMany(states: readonly SourceState[]): Promise<void>;
}

export interface ItemRepo {
  /** Stored items of a source by key (missing keys absent from the map). */
  getMany(sourceId: string, keys: readonly string[]): Promise<Map<string, StoredItem>>;
  /** Stored items of several sources at once, in batches (missing ones absent). */
  getAcross(refs: readonly ItemRef[]): Promise<StoredItem[]>;
  /** Puts items of any sources, in batches (each stands alone; not atomic). */
  putMany(items: readonly StoredItem[]): Promise<void>;
}

/** One stored item's address: its source and its key within the source. */
export interface ItemRef {
  sourceId: string;
  key: string;
}

export interface AlertPage {
  items: Alert[];
  nextCursor: string | null;
}

export interface AlertQuery {
  /** Any of these topics (empty or absent: all alerts). */
  topics?: readonly string[];
  source?: string;
  /** Inclusive lower bound on `changedAt`. */
  since?: string;
  /** Exclusive upper bound on `changedAt`. */
  until?: string;
  limit: number;
  /** Opaque, from a previous page. Throws `InvalidCursorError` when malformed. */
  cursor?: string | null;
}

export interface AlertRepo {
  /**
   * Creates the alert unless its id is already listed (idempotent: a re-run after a crash, even
   * with a later `detectedAt`, adds no second copy anywhere). True when this call listed it.
   */
  create(alert: Alert): Promise<boolean>;
  /**
   * `create` for several alerts at once (batched reads and index writes): true per alert created,
   * false where its id existed. Each alert's main record is still written last and conditionally.
   * `listed`: the ids `listedIds` found listed just before (its read is then not repeated).
   */
  createMany(alerts: readonly Alert[], listed?: ReadonlySet<string>): Promise<boolean[]>;
  /** Which of these ids are listed alerts (one batched read). */
  listedIds(ids: readonly string[]): Promise<Set<string>>;
  get(id: string): Promise<Alert | null>;
  /** Newest detection first (`detectedAt`, then `id`, both descending), stable cursor pages. */
  list(query: AlertQuery): Promise<AlertPage>;
  /** Every alert on any of the topics detected at or after `detectedFrom`, oldest first. */
  listDetectedSince(topics: readonly string[], detectedFrom: string): Promise<Alert[]>;
  /**
   * Completes, once per store, the listing copies that alerts stored by an older version lack
   * (until then `until` listings read more, never wrongly). Idempotent; the poll cycle calls it.
   */
  prepareListings(): Promise<void>;
  /** Every alert of these sources detected at or after `detectedFrom`, oldest first. */
  listSourcesDetectedSince(sourceIds: readonly string[], detectedFrom: string): Promise<Alert[]>;
  /**
   * The listings' generation: its token changes after every write that can change an alert
   * listing or an alert document (alerts created, judgements recorded), by any process.
   */
  listingGeneration(): Promise<ListingGeneration>;
}

/** See `AlertRepo.listingGeneration`. */
export interface ListingGeneration {
  /** Opaque; equal tokens mean nothing listed changed in between. */
  token: string;
  /**
   * When the token was written (ms since the epoch, the writer's clock), for stores whose
   * indexes may lag a write for a moment (DynamoDB's); 0 where reads see an answered write at
   * once, and before any write.
   */
  changedAt: number;
}

/** What citations need from legislation.gov.uk, kept between runs. */
export interface LegislationRepo {
  contents(actId: string): Promise<ActContents | null>;
  allContents(): Promise<ActContents[]>;
  putContents(contents: ActContents): Promise<void>;
  /** Titles seen in legislation.gov.uk data: normalised title → `TYPE/YEAR/NUMBER`. */
  titles(): Promise<Map<string, string>>;
  putTitles(entries: readonly { id: string; title: string }[]): Promise<void>;
  pageCitations(): Promise<PageCitations[]>;
  putPageCitations(record: PageCitations): Promise<void>;
}

export interface FactsheetRepo {
  /** Reviews recorded through the API, oldest first. */
  reviews(factsheetId: string): Promise<FactsheetReview[]>;
  allReviews(): Promise<Map<string, FactsheetReview[]>>;
  addReview(factsheetId: string, review: FactsheetReview): Promise<void>;
}

export interface SubscriberRepo {
  get(email: string): Promise<Subscriber | null>;
  /** Many records in batched reads; absent addresses are not in the map. */
  getMany(emails: readonly string[]): Promise<Map<string, Subscriber>>;
  list(): Promise<Subscriber[]>;
  listConfirmed(frequency: Frequency): Promise<Subscriber[]>;
  /** Creates only when absent. False when the address exists. */
  create(subscriber: Subscriber): Promise<boolean>;
  /** Replaces the record when its `version` and `updatedAt` still equal `expected`'s. */
  update(subscriber: Subscriber, expected: Pick<Subscriber, 'version' | 'updatedAt'>): Promise<boolean>;
  put(subscriber: Subscriber): Promise<void>;
  /** Erases the subscriber, its delivery records and digest watermark. False when absent. */
  delete(email: string): Promise<boolean>;
}

/**
 * An address's deliveries as a digest run reads them before claiming (services/digest.ts): what
 * it must not send again, and the claims record to claim against.
 */
export interface DeliveryState {
  /** Alerts sent, or held by a claim that is not yet stale. */
  done: Set<string>;
  /** Of those, the ones held by such a claim and not (yet) marked sent. */
  held: Set<string>;
  /** The claims record's version when read (0: no record); a claim holds only against it. */
  version: number;
  /** The claims not yet stale, carried over by the next claim. */
  claims: DeliveryClaim[];
}

/** One sent email's deliveries, to be marked. */
export interface SentEmail {
  email: string;
  alertIds: readonly string[];
  messageId: string;
  claimedAt: string;
}

export interface DeliveryRepo {
  /**
   * Alert ids already delivered (or claimed and not yet stale) to this address among `alertIds`.
   * A claim without a message id is stale when `claimedAt` < `staleBefore`; without
   * `staleBefore` every claim counts (never a double send, but a crashed claim is not retried).
   */
  delivered(email: string, alertIds: readonly string[], staleBefore?: string): Promise<Set<string>>;
  /**
   * `delivered` for many addresses in batched reads, with each address's claims record: a state
   * per address asked. `consistent` reads strongly (a re-read after a claim lost a race).
   */
  deliveryStates(
    requests: readonly { email: string; alertIds: readonly string[] }[],
    staleBefore?: string,
    options?: { consistent?: boolean },
  ): Promise<Map<string, DeliveryState>>;
  /**
   * Claims an email's alerts with one conditional write on the address's claims record: it holds
   * only while the record is still at `read.version` (nothing claimed or released since it was
   * read, so `read.done` is still true). Claims older than `staleBefore` are dropped, live ones
   * kept. False when the record changed.
   */
  claim(
    email: string,
    read: Pick<DeliveryState, 'version' | 'claims'>,
    claim: DeliveryClaim,
    staleBefore: string,
  ): Promise<boolean>;
  /** Marks claimed deliveries as sent with the provider's message id, in batched writes. */
  markSent(
    email: string,
    alertIds: readonly string[],
    messageId: string,
    sentAt: string,
    claimedAt?: string,
  ): Promise<void>;
  /** `markSent` for several emails in shared batched writes (emails that finished together). */
  markSentMany(sends: readonly SentEmail[], sentAt: string): Promise<void>;
  /** Removes a claim after a failed send so the next run retries its alerts. */
  release(email: string, claim: DeliveryClaim): Promise<void>;
  list(email: string): Promise<Delivery[]>;
  /** The subscriber's digest watermark (services/digest.ts), or null. */
  watermark(email: string): Promise<DigestWatermark | null>;
  setWatermark(email: string, watermark: DigestWatermark): Promise<void>;
  /** Watermarks of many addresses (batched reads); absent ones are not in the map. */
  watermarks(emails: readonly string[]): Promise<Map<string, DigestWatermark>>;
  /** Batched writes; each stands alone (a failure costs only a re-read next run). */
  setWatermarks(entries: readonly { email: string; watermark: DigestWatermark }[]): Promise<void>;
}

/** An email waiting in the outbox queue (services/mail-queue.ts). */
export interface QueuedMail {
  id: string;
  /** What it is, for logs: `confirmation`, `staff-notice`, `source-escalation`, …. */
  kind: string;
  from: string;
  to: string;
  /** The whole RFC 5322 message, built when it was queued. */
  raw: Buffer;
  enqueuedAt: string;
  /** Not sent before this instant (a retry's back-off). */
  dueAt: string;
  /** Failed send attempts so far. */
  attempts: number;
  /** Set while a drain holds it; an old one is a drain that crashed. */
  claimedAt: string | null;
  lastError: string | null;
}

export type MailOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string };

export interface MailQueueRepo {
  /** Conditional put: false when a mail with this id was queued before (sent or not). */
  enqueue(mail: Omit<QueuedMail, 'attempts' | 'claimedAt' | 'lastError'>): Promise<boolean>;
  /** Unfinished mail due at `now`, oldest due first, at most `limit`. */
  due(now: string, limit: number): Promise<QueuedMail[]>;
  /**
   * Conditional write: succeeds when the mail is unfinished, due at `claimedAt`, and unclaimed
   * or claimed before `staleBefore` (a drain that crashed between send and record).
   */
  claim(id: string, claimedAt: string, staleBefore: string): Promise<boolean>;
  /** Ends the mail's life in the queue (it leaves the due index and expires later). */
  finish(id: string, outcome: MailOutcome, at: string, attempts: number): Promise<void>;
  /** After a failed send: released for another attempt at `dueAt`. */
  retryLater(id: string, attempts: number, dueAt: string, error: string): Promise<void>;
  get(id: string): Promise<(QueuedMail & { outcome: MailOutcome | null }) | null>;
}

export interface RateLimitRepo {
  /**
   * Counts one hit for `key` in the fixed window starting `windowStart`; returns the count
   * after this hit.
   */
  hit(key: string, windowStart: string, expiresAt: string): Promise<number>;
}

export interface FeedbackQuery {
  /** Judgements on this topic and missed items listing it (absent: all). */
  topic?: string;
  limit: number;
  /** Opaque, from a previous page. Throws `InvalidCursorError` when malformed. */
  cursor?: string | null;
}

export interface FeedbackRepo {
  /** Records a judgement, replacing the standing one unless that is later. True when it stands. */
  judge(judgement: StoredJudgement): Promise<boolean>;
  /** The standing judgements of these alerts (on any of their topics), by alert id. */
  judgementsOf(
    alerts: readonly { id: string; topics: readonly string[] }[],
  ): Promise<Map<string, StoredJudgement[]>>;
  addMissed(item: MissedItem): Promise<void>;
  /** Standing judgements and missed items, newest `at` first, stable cursor pages. */
  list(query: FeedbackQuery): Promise<{ items: Feedback[]; nextCursor: string | null }>;
  /** Every standing judgement and missed item (on one topic, or all), newest first. */
  all(topic?: string): Promise<{ judgements: StoredJudgement[]; missed: MissedItem[] }>;
}

/** Everything the services need from storage. */
export interface Store {
  sources: SourceStateRepo;
  items: ItemRepo;
  alerts: AlertRepo;
  factsheets: FactsheetRepo;
  legislation: LegislationRepo;
  subscribers: SubscriberRepo;
  deliveries: DeliveryRepo;
  rateLimits: RateLimitRepo;
  feedback: FeedbackRepo;
  mailQueue: MailQueueRepo;
  /** Round-trip check for health endpoints. */
  ping(): Promise<void>;
}
