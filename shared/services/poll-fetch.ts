/**
 * @module Fetching one source for a poll: the first page conditionally (validators sent back; a
 * 304 costs no parsing; an unchanged body hash skips re-processing), then `rel="next"` pages while
 * they bring news, on the source's own host, up to `maxPages`. The stored versions of every entry
 * fetched are read here, once; a feed entry whose fingerprint equals its stored one is counted
 * but not converted, since it would convert to the stored version again.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/schema.ts';
import type { ParsedItem, SourceState, StoredItem } from '../domain/types.ts';
import { itemVersion } from '../domain/version.ts';
import { ParseError } from '../sources/errors.ts';
import {
  ACCEPT_HEADER,
  ACCEPT_TYPES,
  type BodyMeta,
  convertEntry,
  readSourceBody,
  type SourceDocument,
} from '../sources/parse/source-body.ts';
import type { ItemVersions } from './item-batches.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface Fetched {
  /** The items converted: new, or changed since their stored fingerprint (first of each key). */
  items: ParsedItem[];
  /** Every entry on the pages fetched, converted or not. */
  entryCount: number;
  /** Stored versions of the entries, by key (read once, here). */
  stored: Map<string, StoredItem>;
  /** Feed entries' fingerprints by key, to store with their versions. */
  fingerprints: Map<string, string>;
  httpStatus: number;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string;
  unchangedBody: boolean;
}

/**
 * Fetches the first page conditionally, then follows `rel="next"` while pages bring news, judged
 * against `versions` (the cycle's shared item reads when polling a whole cycle; null when the
 * source has never been polled, so nothing stored is worth a read).
 */
export async function fetchAll(
  deps: ServiceDeps,
  source: SourceConfig,
  state: SourceState | null,
  versions: ItemVersions | null = deps.store.items,
): Promise<Fetched | 'not-modified'> {
  const request = {
    accept: ACCEPT_HEADER[source.kind],
    acceptTypes: ACCEPT_TYPES[source.kind],
    allowPrivateNetwork: source.allowPrivateNetwork,
    timeoutMs: source.timeoutMs,
    maxBytes: source.maxBytes,
  };
  const first = await deps.fetcher.fetch({
    ...request,
    url: source.url,
    etag: state?.etag ?? null,
    lastModified: state?.lastModified ?? null,
  });
  if (first.status === 'not-modified') return 'not-modified';
  const bodyHash = hashBody(source, first.body);
  const unchangedBody = state?.firstPolledAt != null && state.bodyHash === bodyHash;
  const result: Fetched = {
    items: [],
    entryCount: 0,
    stored: new Map(),
    fingerprints: new Map(),
    httpStatus: first.httpStatus,
    etag: first.etag,
    lastModified: first.lastModified,
    bodyHash,
    unchangedBody,
  };
  if (unchangedBody) return result;

  const timezone = deps.config.digests.timezone;
  const read = (body: Buffer, meta: BodyMeta) => readSourceBody(source, body, meta, { timezone });
  const setStatus = (httpStatus: number) => (error: unknown) => {
    if (error instanceof StoreReadError) throw error.cause;
    // The fetch itself worked: reports show the status of the response that could not be read.
    if (error instanceof ParseError) error.httpStatus = httpStatus;
    throw error;
  };
  const seen = new Set<string>();
  let page = await read(first.body, first).catch(setStatus(first.httpStatus));
  let news = await takePage(source, versions, page, seen, result).catch(setStatus(first.httpStatus));
  const seenUrls = new Set([source.url, first.url]);
  for (let pages = 1; source.kind === 'feed' && page.nextUrl && pages < source.maxPages; pages++) {
    const nextUrl = sameScheme(page.nextUrl, first.url);
    // Paging stays on the source's host (legislation.gov.uk mixes http and https in its links).
    if (seenUrls.has(nextUrl) || new URL(nextUrl).hostname !== new URL(first.url).hostname) break;
    if (!news) break;
    seenUrls.add(nextUrl);
    try {
      const next = await deps.fetcher.fetch({ ...request, url: nextUrl });
      if (next.status !== 'ok') break;
      page = await read(next.body, next);
      // A store error reading this page's versions fails the source (below); only a page that
      // cannot be fetched or read stops the paging.
      news = await takePage(source, versions, page, seen, result);
    } catch (error) {
      if (error instanceof StoreReadError) throw error.cause;
      // The first page carries the newest items; a broken later page only limits catch-up.
      deps.logger.log('warn', 'feed paging stopped', { sourceId: source.id, url: nextUrl, error });
      break;
    }
  }
  return result;
}

/** A store failure while reading a page's versions, told apart from the page's own faults. */
class StoreReadError extends Error {
  constructor(override readonly cause: unknown) {
    super('stored versions could not be read');
  }
}

/**
 * Adds a page's entries to `result`, all or nothing: reads the stored versions of the keys not
 * seen on an earlier page (whose entry stays the one kept), and converts the entries that are new
 * or whose fingerprint changed. True when the page brings news: an entry unseen or with a new
 * version (paging stops at a page without).
 */
async function takePage(
  source: SourceConfig,
  versions: ItemVersions | null,
  page: SourceDocument,
  seen: Set<string>,
  result: Fetched,
): Promise<boolean> {
  const fresh = page.entries.filter((entry) => !seen.has(entry.key));
  let stored = new Map<string, StoredItem>();
  if (versions && fresh.length > 0) {
    try {
      stored = await versions.getMany(
        source.id,
        fresh.map((entry) => entry.key),
      );
    } catch (error) {
      throw new StoreReadError(error);
    }
  }
  const items: ParsedItem[] = [];
  for (const entry of fresh) {
    const previous = stored.get(entry.key);
    if (entry.fingerprint !== null && previous?.fingerprint === entry.fingerprint) continue;
    items.push(convertEntry(source, entry));
  }
  result.entryCount += page.entries.length;
  for (const entry of fresh) {
    seen.add(entry.key);
    if (entry.fingerprint !== null) result.fingerprints.set(entry.key, entry.fingerprint);
  }
  for (const [key, item] of stored) result.stored.set(key, item);
  result.items.push(...items);
  return items.some((item) => stored.get(item.key)?.version !== itemVersion(item));
}

/** The body hash also covers how the body is read, so a changed selector is re-processed. */
function hashBody(source: SourceConfig, body: Buffer): string {
  const reading =
    source.kind === 'page' ? JSON.stringify([source.select, source.items ?? null]) : source.kind;
  return createHash('sha256').update(reading).update('\0').update(body).digest('base64url');
}

/**
 * legislation.gov.uk writes its paging links with `http://` even in feeds served over https:
 * follow them over the scheme the feed itself came on, rather than a plain-text hop.
 */
export function sameScheme(link: string, pageUrl: string): string {
  const next = new URL(link);
  const page = new URL(pageUrl);
  if (next.protocol === 'http:' && page.protocol === 'https:' && next.hostname === page.hostname) {
    next.protocol = 'https:';
  }
  return next.toString();
}
