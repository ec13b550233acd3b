/**
 * @module Polling one source: conditional GET (first page), paging, parsing, change detection
 * against stored versions, topic matching and idempotent alerts. Every failure is caught and
 * reported on the source; stored versions and validators are only replaced after success.
 */
import { createHash } from 'node:crypto';
import { type SourceConfig, sourceTitle } from '../config.ts';
import { alertId, alertKind, backfillAllows, buildAlert, changedAtFor, itemDate } from '../domain/alert.ts';
import { isEmptyDiff, lineDiff } from '../domain/line-diff.ts';
import type { TopicMatcher } from '../domain/match.ts';
import type { LineDiff, ParsedItem, SourceState, StoredItem } from '../domain/types.ts';
import { itemVersion } from '../domain/version.ts';
import { ParseError } from '../sources/errors.ts';
import { ACCEPT_HEADER, ACCEPT_TYPES, parseSourceBody } from '../sources/parse.ts';
import type { ServiceDeps } from './deps.ts';
import { enrichmentBudget, fetchGovukContent } from './govuk-content.ts';
import type { SourcePollResult } from './poll.ts';
import { whatChangedFor } from './what-changed.ts';

export interface PollContext {
  matcher: TopicMatcher;
  topicOrder: readonly string[];
  enrichment: { take(): boolean };
}

export function createPollContext(matcher: TopicMatcher, topicOrder: readonly string[]): PollContext {
  return { matcher, topicOrder, enrichment: enrichmentBudget(25) };
}

interface Fetched {
  items: ParsedItem[];
  httpStatus: number;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string;
  unchangedBody: boolean;
}

export async function pollOne(
  deps: ServiceDeps,
  source: SourceConfig,
  context: PollContext,
): Promise<{ result: SourcePollResult; alertIds: string[] }> {
  const stored = await deps.store.sources.get(source.id);
  // A changed URL drops the validators: the source is polled as a first poll (SPEC §2).
  const state = stored && stored.url === source.url ? stored : null;
  const detectedAt = deps.clock.now().toISOString();
  const base = { id: source.id, items: 0, newItems: 0, updatedItems: 0, alerts: 0 };
  let fetched: Fetched | 'not-modified';
  try {
    fetched = await fetchAll(deps, source, state);
  } catch (error) {
    const message = errorMessage(error);
    const httpStatus = httpStatusOf(error);
    await deps.store.sources.put(failedState(source, state, detectedAt, message, httpStatus));
    deps.logger.log('warn', 'source failed', { sourceId: source.id, error: message });
    return { result: { ...base, status: 'failed', httpStatus, error: message }, alertIds: [] };
  }
  if (fetched === 'not-modified') {
    await deps.store.sources.put(okState(source, state, detectedAt, 'not-modified', 304, null));
    return { result: { ...base, status: 'not-modified', httpStatus: 304 }, alertIds: [] };
  }
  if (fetched.unchangedBody) {
    await deps.store.sources.put(
      okState(source, state, detectedAt, 'unchanged', fetched.httpStatus, fetched),
    );
    return { result: { ...base, status: 'unchanged', httpStatus: fetched.httpStatus }, alertIds: [] };
  }

  let detection: Awaited<ReturnType<typeof detectChanges>>;
  try {
    detection = await detectChanges(deps, source, state, fetched.items, detectedAt, context);
  } catch (error) {
    // Alerts already written stay (their ids are deterministic); versions not yet recorded
    // are detected again next time, so nothing is lost or doubled.
    const message = `could not record changes: ${errorMessage(error)}`;
    await deps.store.sources.put(failedState(source, state, detectedAt, message, fetched.httpStatus));
    deps.logger.log('error', 'source failed while recording', { sourceId: source.id, error });
    return {
      result: { ...base, status: 'failed', httpStatus: fetched.httpStatus, error: message },
      alertIds: [],
    };
  }
  const status = detection.newItems + detection.updatedItems > 0 ? 'changed' : 'unchanged';
  await deps.store.sources.put(okState(source, state, detectedAt, status, fetched.httpStatus, fetched));
  return {
    result: {
      ...base,
      status,
      httpStatus: fetched.httpStatus,
      items: fetched.items.length,
      newItems: detection.newItems,
      updatedItems: detection.updatedItems,
      alerts: detection.alertIds.length,
    },
    alertIds: detection.alertIds,
  };
}

/** Fetches the first page conditionally, then follows `rel="next"` while pages bring news. */
async function fetchAll(
  deps: ServiceDeps,
  source: SourceConfig,
  state: SourceState | null,
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
    const nextUrl = page.nextUrl;
    // Paging stays on the source's host (legislation.gov.uk mixes http and https in its links).
    if (seenUrls.has(nextUrl) || new URL(nextUrl).hostname !== new URL(first.url).hostname) break;
    if (!(await hasNews(deps, source.id, page.items))) break;
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
async function hasNews(deps: ServiceDeps, sourceId: string, items: readonly ParsedItem[]): Promise<boolean> {
  if (items.length === 0) return false;
  const stored = await deps.store.items.getMany(
    sourceId,
    items.map((item) => item.key),
  );
  return items.some((item) => stored.get(item.key)?.version !== itemVersion(item));
}

async function detectChanges(
  deps: ServiceDeps,
  source: SourceConfig,
  state: SourceState | null,
  parsed: readonly ParsedItem[],
  detectedAt: string,
  context: PollContext,
): Promise<{ newItems: number; updatedItems: number; alertIds: string[] }> {
  const items = uniqueByKey(parsed);
  const stored = await deps.store.items.getMany(
    source.id,
    items.map((item) => item.key),
  );
  const firstPoll = state?.firstPolledAt == null;
  const pageRegion = source.kind === 'page' && !source.items;
  const now = deps.clock.now();
  const toStore: StoredItem[] = [];
  const alertIds: string[] = [];
  let newItems = 0;
  let updatedItems = 0;

  for (const item of items) {
    const version = itemVersion(item);
    const previous = stored.get(item.key);
    if (previous?.version === version) continue;
    if (previous) updatedItems++;
    else newItems++;
    const lines = pageRegion ? item.content.split('\n').filter((line) => line !== '') : undefined;
    let diff: LineDiff | undefined;
    if (lines) {
      diff = lineDiff(previous?.lines ?? [], lines);
      if (isEmptyDiff(diff)) diff = undefined;
    }
    const date = itemDate(item);
    const changedAt = changedAtFor({
      itemDate: date,
      previousItemDate: previous?.itemDate,
      alertedBefore: previous?.alerted === true,
      detectedAt,
    });
    const allowed = !firstPoll || backfillAllows(source.backfill, pageRegion ? null : date, now, pageRegion);
    const matched =
      allowed && (!pageRegion || diff) ? context.matcher.match({ sourceId: source.id, item, diff }) : [];
    let alerted = previous?.alerted ?? false;
    if (matched.length > 0) {
      const id = alertId(source.id, item.key, version);
      const kind = alertKind({ pageRegion, alertedBefore: previous?.alerted ?? false });
      const govuk = context.enrichment.take() ? await fetchGovukContent(deps, item, source) : null;
      const alert = buildAlert({
        id,
        kind,
        source: { id: source.id, title: sourceTitle(source) },
        item,
        matched,
        topicOrder: context.topicOrder,
        whatChanged: whatChangedFor({ item, kind, diff, govuk }),
        changedAt,
        detectedAt,
        diff,
      });
      if (await deps.store.alerts.create(alert)) alertIds.push(id);
      alerted = true;
    }
    toStore.push({
      sourceId: source.id,
      key: item.key,
      version,
      itemDate: date,
      alerted,
      firstSeenAt: previous?.firstSeenAt ?? detectedAt,
      lastSeenAt: detectedAt,
      ...(lines ? { lines } : {}),
    });
  }
  // Versions are recorded after their alerts: a crash in between re-detects the change and
  // the deterministic alert id makes the retry a no-op.
  await deps.store.items.putMany(toStore);
  return { newItems, updatedItems, alertIds };
}

function uniqueByKey(items: readonly ParsedItem[]): ParsedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.key) && seen.add(item.key) !== undefined);
}

/** The body hash also covers how the body is read, so a changed selector is re-processed. */
function hashBody(source: SourceConfig, body: Buffer): string {
  const reading =
    source.kind === 'page' ? JSON.stringify([source.select, source.items ?? null]) : source.kind;
  return createHash('sha256').update(reading).update('\0').update(body).digest('base64url');
}

function okState(
  source: SourceConfig,
  state: SourceState | null,
  at: string,
  status: 'changed' | 'unchanged' | 'not-modified',
  httpStatus: number,
  fetched: Fetched | null,
): SourceState {
  return {
    sourceId: source.id,
    url: source.url,
    lastPolledAt: at,
    lastStatus: status,
    httpStatus,
    consecutiveFailures: 0,
    lastError: null,
    etag: fetched ? fetched.etag : (state?.etag ?? null),
    lastModified: fetched ? fetched.lastModified : (state?.lastModified ?? null),
    bodyHash: fetched ? fetched.bodyHash : (state?.bodyHash ?? null),
    firstPolledAt: state?.firstPolledAt ?? at,
  };
}

function failedState(
  source: SourceConfig,
  state: SourceState | null,
  at: string,
  message: string,
  httpStatus: number | null,
): SourceState {
  return {
    sourceId: source.id,
    url: source.url,
    lastPolledAt: at,
    lastStatus: 'failed',
    httpStatus,
    consecutiveFailures: (state?.consecutiveFailures ?? 0) + 1,
    lastError: message,
    etag: state?.etag ?? null,
    lastModified: state?.lastModified ?? null,
    bodyHash: state?.bodyHash ?? null,
    firstPolledAt: state?.firstPolledAt ?? null,
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function httpStatusOf(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'httpStatus' in error) {
    const status = (error as { httpStatus?: unknown }).httpStatus;
    return typeof status === 'number' ? status : null;
  }
  return null;
}
