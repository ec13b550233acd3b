/**
 * @module The ports: interfaces only. Services depend on these; `shared/store`, `shared/sources`
 * and `shared/mail` hold the one real (AWS SDK / HTTP) implementation of each, and tests use
 * hand-written fakes typed as the port.
 */
import type {
  Alert,
  Delivery,
  DigestWatermark,
  FactsheetReview,
  Frequency,
  SourceState,
  StoredItem,
  Subscriber,
} from './domain/types.ts';

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

// ---------------------------------------------------------------- store

export interface SourceStateRepo {
  get(sourceId: string): Promise<SourceState | null>;
  list(): Promise<SourceState[]>;
  put(state: SourceState): Promise<void>;
  /** Puts several states in batches (each stands alone; not atomic). */
  putMany(states: readonly SourceState[]): Promise<void>;
}

export interface ItemRepo {
  /** Stored items of a source by key (missing keys absent from the map). */
  getMany(sourceId: string, keys: readonly string[]): Promise<Map<string, StoredItem>>;
  putMany(items: readonly StoredItem[]): Promise<void>;
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
  /** Creates the alert unless its id exists (conditional write). True when it was created. */
  create(alert: Alert): Promise<boolean>;
  /**
   * `create` for several alerts at once (batched reads and index writes): true per alert created,
   * false where its id existed. Each alert's main record is still written last and conditionally.
   */
  createMany(alerts: readonly Alert[]): Promise<boolean[]>;
  get(id: string): Promise<Alert | null>;
  /** Newest detection first (`detectedAt`, then `id`, both descending), stable cursor pages. */
  list(query: AlertQuery): Promise<AlertPage>;
  /** Every alert on any of the topics detected at or after `detectedFrom`, oldest first. */
  listDetectedSince(topics: readonly string[], detectedFrom: string): Promise<Alert[]>;
}

export interface FactsheetRepo {
  /** Reviews recorded through the API, oldest first. */
  reviews(factsheetId: string): Promise<FactsheetReview[]>;
  allReviews(): Promise<Map<string, FactsheetReview[]>>;
  addReview(factsheetId: string, review: FactsheetReview): Promise<void>;
}

export interface SubscriberRepo {
  get(email: string): Promise<Subscriber | null>;
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

export interface DeliveryRepo {
  /**
   * Alert ids already delivered (or claimed and not yet stale) to this address among `alertIds`.
   * A claim without a message id is stale when `claimedAt` < `staleBefore`; without
   * `staleBefore` every claim counts (never a double send, but a crashed claim is not retried).
   */
  delivered(email: string, alertIds: readonly string[], staleBefore?: string): Promise<Set<string>>;
  /**
   * Claims (email, alert) before sending: succeeds when no record exists, or when a claim
   * without a message id is older than `staleBefore` (a crash between send and record).
   */
  claim(email: string, alertId: string, claimedAt: string, staleBefore: string): Promise<boolean>;
  /** Marks claimed deliveries as sent with the provider's message id. */
  markSent(email: string, alertIds: readonly string[], messageId: string, sentAt: string): Promise<void>;
  /** Releases claims after a failed send so the next run retries them. */
  release(email: string, alertIds: readonly string[], claimedAt: string): Promise<void>;
  list(email: string): Promise<Delivery[]>;
  /** The subscriber's digest watermark (services/digest.ts), or null. */
  watermark(email: string): Promise<DigestWatermark | null>;
  setWatermark(email: string, watermark: DigestWatermark): Promise<void>;
}

export interface RateLimitRepo {
  /**
   * Counts one hit for `key` in the fixed window starting `windowStart`; returns the count
   * after this hit.
   */
  hit(key: string, windowStart: string, expiresAt: string): Promise<number>;
}

/** Everything the services need from storage. */
export interface Store {
  sources: SourceStateRepo;
  items: ItemRepo;
  alerts: AlertRepo;
  factsheets: FactsheetRepo;
  subscribers: SubscriberRepo;
  deliveries: DeliveryRepo;
  rateLimits: RateLimitRepo;
  /** Round-trip check for health endpoints. */
  ping(): Promise<void>;
}
