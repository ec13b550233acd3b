/**
 * @module Fetching one source for a poll: the first page conditionally (validators sent back; a
 * 304 costs no parsing; an unchanged body hash skips re-processing), then `rel="next"` pages while
 * they bring news, on the source's own host, up to `maxPages`.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/schema.ts';
import type { ParsedItem, SourceState } from '../domain/types.ts';
import { itemVersion } from '../domain/version.ts';
import { ParseError } from '../sources/errors.ts';
import { ACCEPT_HEADER, ACCEPT_TYPES, parseSourceBody } from '../sources/parse/source-body.ts';
import type { ItemVersions } from './item-batches.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface Fetched {
  items: ParsedItem[];
  httpStatus: number;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string;
  unchangedBody: boolean;
}

/**
 * Fetches the first page conditionally, then follows `rel="next"` while pages bring news, judged
 * against `versions` (the cycle's shared item reads when polling a whole cycle).
 */
export async function fetchAll(
  deps: ServiceDeps,
  source: SourceConfig,
  state: SourceState | null,
  versions: ItemVersions = deps.store.items,
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
    httpStatus: first.httpStatus,
    etag: first.etag,
    lastModified: first.lastModified,
    bodyHash,
    unchangedBody,
  };
  if (unchangedBody) return result;

  let page = await parseSourceBody(
    source,
    first.body,
    {
      contentType: first.contentType,
      charset: first.charset,
      url: first.url,
    },
    { timezone: deps.config.digests.timezone },
  ).catch((error: unknown) => {
    // The fetch itself worked: reports show the status of the response that could not be read.
    if (error instanceof ParseError) error.httpStatus = first.httpStatus;
    throw error;
  });
  result.items.push(...page.items);
  const seenUrls = new Set([source.url, first.url]);
  for (let pages = 1; source.kind === 'feed' && page.nextUrl && pages < source.maxPages; pages++) {
    const nextUrl = sameScheme(page.nextUrl, first.url);
    // Paging stays on the source's host (legislation.gov.uk mixes http and https in its links).
    if (seenUrls.has(nextUrl) || new URL(nextUrl).hostname !== new URL(first.url).hostname) break;
    if (!(await hasNews(versions, source.id, page.items))) break;
    seenUrls.add(nextUrl);
    try {
      const next = await deps.fetcher.fetch({ ...request, url: nextUrl });
      if (next.status !== 'ok') break;
      page = await parseSourceBody(
        source,
        next.body,
        {
          contentType: next.contentType,
          charset: next.charset,
          url: next.url,
        },
        { timezone: deps.config.digests.timezone },
      );
    } catch (error) {
      // The first page carries the newest items; a broken later page only limits catch-up.
      deps.logger.log('warn', 'feed paging stopped', { sourceId: source.id, url: nextUrl, error });
      break;
    }
    result.items.push(...page.items);
  }
  return result;
}

/** Whether any item on a page is unseen or has a new version (paging stops at a page without). */
async function hasNews(
  versions: ItemVersions,
  sourceId: string,
  items: readonly ParsedItem[],
): Promise<boolean> {
  if (items.length === 0) return false;
  const stored = await versions.getMany(
    sourceId,
    items.map((item) => item.key),
  );
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
