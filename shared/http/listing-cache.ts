/**
 * @module The public alert listings' responses (`GET /api/alerts`, the topic Atom feeds) kept in
 * memory and revalidated on every request against the store's listing generation
 * (store/listing-generation.ts): while nothing changed a request costs one GetItem (on the
 * embedded store, no read at all: functions/local/embedded-store.ts) instead of the listing's
 * reads, and a new alert or judgement shows in the very next response, whichever process wrote it. A generation younger than `settleMs` is not cached: a DynamoDB index may lag
 * a write by a moment, and a lagging read must not be kept. Every response carries a strong ETag
 * (a hash of its body) and `Cache-Control: no-cache`; `If-None-Match` gets a 304 (docs/contract.md §6).
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AlertRepo } from '../domain/ports.ts';

export interface ListingCacheOptions {
  /** How old a generation must be before responses computed under it are kept; default 5 s. */
  settleMs?: number;
  /** Characters of response bodies kept in all (least recently used dropped first); default 8 Mi. */
  maxChars?: number;
}

interface Entry {
  token: string;
  body: string;
  etag: string;
}

export interface ListingCache {
  /**
   * The response for `key`: the kept body while the generation is unchanged, else `compute()`'s.
   * A `Response` from `compute` (an error) is returned as it is and not kept.
   */
  respond(
    c: Context,
    key: string,
    contentType: string,
    compute: () => Promise<string | Response>,
  ): Promise<Response>;
}

function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

export function createListingCache(alerts: AlertRepo, options: ListingCacheOptions = {}): ListingCache {
  const settleMs = options.settleMs ?? 5_000;
  const maxChars = options.maxChars ?? 8 * 1024 * 1024;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const entries = new Map<string, Entry>();
  let chars = 0;

  function drop(key: string): void {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    chars -= entry.body.length;
  }

  /** Keeps (or refreshes) `entry`; one larger than an eighth of the budget is served, not kept. */
  function keep(key: string, entry: Entry): void {
    drop(key);
    if (entry.body.length > maxChars / 8) return;
    entries.set(key, entry);
    chars += entry.body.length;
    for (const oldest of entries.keys()) {
      if (chars <= maxChars) break;
      drop(oldest);
    }
  }

  // Computations under way, shared by requests that read the same generation meanwhile: no write
  // was answered between their reads, so one result serves them all (and a miss under load
  // costs one computation, not one per waiting request).
  const computing = new Map<string, { token: string; body: Promise<string | Response> }>();

  async function computeShared(key: string, token: string, compute: () => Promise<string | Response>) {
    const running = computing.get(key);
    if (running !== undefined && running.token === token) {
      const shared = await running.body.catch(() => null);
      // An error response (or a failure) is each request's own.
      if (typeof shared === 'string') return shared;
      return compute();
    }
    const body = compute();
    const mine = { token, body };
    computing.set(key, mine);
    try {
      return await body;
    } finally {
      if (computing.get(key) === mine) computing.delete(key);
    }
  }

  async function current(key: string, compute: () => Promise<string | Response>) {
    // Read before computing: a write answered meanwhile changes the token, so what is computed
    // now is never kept under a token newer than the state it read.
    const generation = await alerts.listingGeneration();
    const kept = entries.get(key);
    if (kept !== undefined && kept.token === generation.token) {
      keep(key, kept);
      return kept;
    }
    const body = await computeShared(key, generation.token, compute);
    if (body instanceof Response) return body;
    const entry = { token: generation.token, body, etag: etagOf(body) };
    if (Date.now() - generation.changedAt >= settleMs) keep(key, entry);
    else drop(key);
    return entry;
  }

  return {
    async respond(c, key, contentType, compute) {
      const entry = await current(key, compute);
      if (entry instanceof Response) return entry;
      const headers = { ETag: entry.etag, 'Cache-Control': 'no-cache' };
      if (matches(c.req.header('If-None-Match'), entry.etag)) return c.body(null, 304, headers);
      return c.body(entry.body, 200, { ...headers, 'Content-Type': contentType });
    },
  };
}
