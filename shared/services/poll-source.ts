/**
 * @module Polling one source: conditional GET (first page), paging, parsing, change detection
 * against stored versions, topic matching and idempotent alerts. Every failure is caught and
 * reported on the source; stored versions and validators are only replaced after success.
 */
import { type SourceConfig, sourceTitle } from '../config/schema.ts';
import { alertId, alertKind, backfillAllows, buildAlert, changedAtFor, itemDate } from '../domain/alert.ts';
import { isEmptyDiff, lineDiff } from '../domain/line-diff.ts';
import type { TopicMatcher } from '../domain/match.ts';
import type { Alert, LineDiff, ParsedItem, PollStatus, SourceState, StoredItem } from '../domain/types.ts';
import { itemVersion } from '../domain/version.ts';
import { isCurrentFingerprint } from '../sources/parse/fingerprint.ts';
import { legislationIdFromUri } from '../sources/parse/legislation.ts';
import type { AlertWrites } from './alert-batches.ts';
import { enrichmentBudget, fetchGovukContent } from './govuk-content.ts';
import type { ItemVersions } from './item-batches.ts';
import { type Fetched, fetchAll } from './poll-fetch.ts';
import type { ServiceDeps } from './service-deps.ts';
import { errorMessage, failedState, httpStatusOf, okState } from './source-state.ts';
import { whatChangedFor } from './what-changed.ts';

/** One source's line in a poll report. */
export interface SourcePollResult {
  id: string;
  status: PollStatus;
  httpStatus: number | null;
  items: number;
  newItems: number;
  updatedItems: number;
  alerts: number;
  error?: string;
}

/** Which sources read cited Acts' changes, and each Act's window (see cited-sources.ts). */
export interface CitedContext {
  readers: ReadonlyMap<string, ReadonlySet<string>>;
  implicit: ReadonlySet<string>;
  /** Act id → start of its window (ms, exclusive). */
  windows: ReadonlyMap<string, number>;
}

export interface PollContext {
  matcher: TopicMatcher;
  topicOrder: readonly string[];
  enrichment: { take(): boolean };
  cited?: CitedContext;
  /** Every stored source state, read once for a whole cycle; unset: read per source. */
  states?: ReadonlyMap<string, SourceState>;
  /** Records a source's new state (a cycle batches them); unset: one put per source. */
  saveState?: (state: SourceState) => Promise<void>;
  /** Stored versions in batches shared by a cycle's sources; unset: the store's own requests. */
  items?: ItemVersions;
  /** New alerts created in calls shared by a cycle's sources; unset: the store's own requests. */
  alerts?: AlertWrites;
}

export function createPollContext(
  matcher: TopicMatcher,
  topicOrder: readonly string[],
  cited?: CitedContext,
): PollContext {
  return { matcher, topicOrder, enrichment: enrichmentBudget(25), ...(cited ? { cited } : {}) };
}

/** Whether a cited Act's reader must alert this item whatever its topics: an effect in the window. */
function citedEffect(context: PollContext, sourceId: string, item: ParsedItem, changedAt: string): boolean {
  const acts = context.cited?.readers.get(sourceId);
  const affected = item.effect?.affected?.id.toLowerCase();
  if (!acts || !affected || !acts.has(affected)) return false;
  const from = context.cited?.windows.get(affected);
  return from !== undefined && Date.parse(changedAt) > from;
}

/** Act titles an item carries (effects name both Acts), kept to resolve written citations. */
function actTitles(items: readonly ParsedItem[]): { id: string; title: string }[] {
  const out: { id: string; title: string }[] = [];
  for (const item of items) {
    // A listing entry with ukm metadata is an Act or instrument under its own title.
    const own = item.meta?.documentMainType ? legislationIdFromUri(item.key) : null;
    if (own && own.rest === '' && item.title) out.push({ id: own.id.toLowerCase(), title: item.title });
    for (const ref of [item.effect?.affected, item.effect?.affecting]) {
      if (ref?.title && /^[a-z]{2,8}\/[0-9]{4}\/[0-9]+$/i.test(ref.id))
        out.push({ id: ref.id.toLowerCase(), title: ref.title });
    }
  }
  return out;
}

export async function pollOne(
  deps: ServiceDeps,
  source: SourceConfig,
  context: PollContext,
): Promise<{ result: SourcePollResult; alertIds: string[] }> {
  const stored = context.states
    ? (context.states.get(source.id) ?? null)
    : await deps.store.sources.get(source.id);
  const saveState = context.saveState ?? ((next: SourceState) => deps.store.sources.put(next));
  // A changed URL drops the validators: the source is polled as a first poll (docs/contract.md §2).
  const state = stored && stored.url === source.url ? stored : null;
  const detectedAt = deps.clock.now().toISOString();
  const base = { id: source.id, items: 0, newItems: 0, updatedItems: 0, alerts: 0 };
  let fetched: Fetched | 'not-modified';
  try {
    // A source with no state at all has no stored versions worth a read, except after a crash
    // between its first versions and its first state: then its items read as new again, and
    // their alerts, whose ids are deterministic, are not created twice. 10,000 reads fewer in a
    // first poll of 200 feeds.
    fetched = await fetchAll(
      deps,
      source,
      state,
      stored === null ? null : (context.items ?? deps.store.items),
    );
  } catch (error) {
    const message = errorMessage(error);
    const httpStatus = httpStatusOf(error);
    await saveState(failedState(source, state, detectedAt, message, httpStatus));
    deps.logger.log('warn', 'source failed', { sourceId: source.id, error: message });
    return { result: { ...base, status: 'failed', httpStatus, error: message }, alertIds: [] };
  }
  if (fetched === 'not-modified') {
    await saveState(okState(source, state, detectedAt, 'not-modified', 304, null));
    const items = state?.itemCount ?? 0;
    return { result: { ...base, status: 'not-modified', httpStatus: 304, items }, alertIds: [] };
  }
  if (fetched.unchangedBody) {
    await saveState(okState(source, state, detectedAt, 'unchanged', fetched.httpStatus, fetched));
    const items = state?.itemCount ?? 0;
    return { result: { ...base, status: 'unchanged', httpStatus: fetched.httpStatus, items }, alertIds: [] };
  }

  let detection: Awaited<ReturnType<typeof detectChanges>>;
  try {
    detection = await detectChanges(deps, source, state, fetched, detectedAt, context);
  } catch (error) {
    // Alerts already written stay (their ids are deterministic); versions not yet recorded
    // are detected again next time, so nothing is lost or doubled.
    const message = `could not record changes: ${errorMessage(error)}`;
    await saveState(failedState(source, state, detectedAt, message, fetched.httpStatus));
    deps.logger.log('error', 'source failed while recording', { sourceId: source.id, error });
    return {
      result: { ...base, status: 'failed', httpStatus: fetched.httpStatus, error: message },
      alertIds: [],
    };
  }
  const status = detection.newItems + detection.updatedItems > 0 ? 'changed' : 'unchanged';
  await saveState(
    okState(source, state, detectedAt, status, fetched.httpStatus, fetched, fetched.entryCount),
  );
  return {
    result: {
      ...base,
      status,
      httpStatus: fetched.httpStatus,
      items: fetched.entryCount,
      newItems: detection.newItems,
      updatedItems: detection.updatedItems,
      alerts: detection.alertIds.length,
    },
    alertIds: detection.alertIds,
  };
}

async function detectChanges(
  deps: ServiceDeps,
  source: SourceConfig,
  state: SourceState | null,
  fetched: Fetched,
  detectedAt: string,
  context: PollContext,
): Promise<{ newItems: number; updatedItems: number; alertIds: string[] }> {
  const items = uniqueByKey(fetched.items);
  const versions = context.items ?? deps.store.items;
  const stored = fetched.stored;
  const firstPoll = state?.firstPolledAt == null;
  const pageRegion = source.kind === 'page' && !source.items;
  const now = deps.clock.now();
  const toStore: StoredItem[] = [];
  const alerts: Alert[] = [];
  let newItems = 0;
  let updatedItems = 0;

  for (const item of items) {
    const version = itemVersion(item);
    const previous = stored.get(item.key);
    if (previous?.version === version) {
      // Converted although unchanged: a record from before fingerprints, or from an earlier
      // conversion, gets the current fingerprint once. An entry whose fingerprint changes at
      // every poll with the same content (markup noise) is not rewritten each time.
      const fingerprint = fetched.fingerprints.get(item.key);
      if (fingerprint !== undefined && !isCurrentFingerprint(previous.fingerprint))
        toStore.push({ ...previous, lastSeenAt: detectedAt, fingerprint });
      continue;
    }
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
    const cited = citedEffect(context, source.id, item, changedAt);
    // An implicit source's backfill is its citing factsheets' window, not a duration.
    const implicit = context.cited?.implicit.has(source.id) === true;
    const allowed = implicit
      ? !firstPoll || cited
      : !firstPoll || backfillAllows(source.backfill, pageRegion ? null : date, now, pageRegion);
    const matched =
      allowed && (!pageRegion || diff) ? context.matcher.match({ sourceId: source.id, item, diff }) : [];
    let alerted = previous?.alerted ?? false;
    if (matched.length > 0 || cited) {
      const id = alertId(source.id, item.key, version);
      const kind = alertKind({ pageRegion, alertedBefore: previous?.alerted ?? false });
      const govuk = context.enrichment.take() ? await fetchGovukContent(deps, item, source) : null;
      alerts.push(
        buildAlert({
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
        }),
      );
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
      ...fingerprintOf(fetched, item.key),
    });
  }
  // Versions are recorded after their alerts: a crash in between re-detects the change and
  // the deterministic alert id makes the retry a no-op.
  const created = await (context.alerts ?? deps.store.alerts).createMany(alerts);
  const alertIds = alerts.filter((_, index) => created[index]).map((alert) => alert.id);
  await versions.putMany(toStore);
  const titles = actTitles(items.filter((item) => toStore.some((stored) => stored.key === item.key)));
  if (titles.length > 0) {
    await deps.store.legislation.putTitles(titles).catch((error: unknown) => {
      deps.logger.log('warn', 'act titles not recorded', { sourceId: source.id, error });
    });
  }
  return { newItems, updatedItems, alertIds };
}

function fingerprintOf(fetched: Fetched, key: string): { fingerprint?: string } {
  const fingerprint = fetched.fingerprints.get(key);
  return fingerprint === undefined ? {} : { fingerprint };
}

function uniqueByKey(items: readonly ParsedItem[]): ParsedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.key) && seen.add(item.key) !== undefined);
}
