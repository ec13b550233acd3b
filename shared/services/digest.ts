/**
 * @module Digests (docs/contract.md §4, §7): for each confirmed subscriber of a frequency, every alert on
 * their topics detected since confirmation and not yet sent, in one email; idempotent sending.
 *
 * Each (subscriber, alert) is claimed with a conditional write before the send, marked with the
 * SES message id right after it (one BatchWrite for the email's alerts, unprocessed items
 * retried), and released when the send fails (so the next run retries). The only way an alert
 * reaches someone twice is a crash between SES accepting the message and the mark: the claims
 * then go stale after 15 minutes and the alerts are sent again. Nothing but the mark runs in
 * that window (the message is built before sending).
 *
 * Claims stay per (subscriber, alert): conditional writes cannot be batched, and one claim per
 * email (a per-subscriber lock) would need a second read of the deliveries after taking it and a
 * conditional release, saving little while widening what a stale lock may resend. The reads are
 * batched instead: records, watermarks and deliveries of 50 subscribers at a time (read while the
 * previous 50 are sent), and one alert listing per distinct topics and start for the whole run.
 */
import { citedChangeText, localDate } from '../domain/cited-evidence.ts';
import type { Alert, DigestWatermark, Frequency, Subscriber } from '../domain/types.ts';
import { buildMime } from '../mail/mime.ts';
import { envelopeTo, linksFor } from '../mail/notices.ts';
import { renderDigest } from '../mail/render-digest.ts';
import { forEachLimited } from '../system/pool.ts';
import { type FactsheetView, listFactsheets } from './factsheets.ts';
import { notRelevantTopics } from './feedback.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Exactly the `digest --json` document of docs/contract.md §4. */
export interface DigestReport {
  sent: { email: string; messageId: string | null; alerts: number }[];
  failed: { email: string; error: string }[];
  skipped: number;
}

export interface DigestOptions {
  frequency: Frequency;
  dryRun?: boolean;
  /** Subscribers handled at once (the mailer still paces to the SES send rate); default 4. */
  concurrency?: number;
}

/** An unsent claim older than this is taken to be a crash after the send (docs/contract.md §7). */
export const STALE_CLAIM_MS = 15 * 60 * 1000;

type Outcome =
  | { kind: 'sent'; messageId: string | null; alerts: number }
  | { kind: 'skipped' }
  | { kind: 'failed'; error: string };

/** Subscribers whose records, watermarks and deliveries are read together (batched reads). */
const CHUNK = 50;

export async function runDigest(deps: ServiceDeps, options: DigestOptions): Promise<DigestReport> {
  const subscribers = (await deps.store.subscribers.listConfirmed(options.frequency)).sort((a, b) =>
    a.email < b.email ? -1 : a.email > b.email ? 1 : 0,
  );
  const sheets =
    deps.config.factsheets.length > 0 && subscribers.length > 0 ? await listFactsheets(deps) : [];
  const outcomes: Outcome[] = new Array(subscribers.length);
  const alertCache = new Map<string, AlertRead>();
  const concurrency = Math.max(1, options.concurrency ?? 4);
  // Reading the next chunk overlaps sending the current one.
  let nextPlans = planChunk(deps, subscribers.slice(0, CHUNK), options, alertCache);
  for (let start = 0; start < subscribers.length; start += CHUNK) {
    const chunk = subscribers.slice(start, start + CHUNK);
    const plans = await nextPlans.then(
      (value) => value,
      (error: unknown) => error,
    );
    if (start + CHUNK < subscribers.length) {
      nextPlans = planChunk(deps, subscribers.slice(start + CHUNK, start + 2 * CHUNK), options, alertCache);
    }
    if (!Array.isArray(plans)) {
      // The chunk's reads failed: its subscribers fail this run and are retried by the next.
      chunk.forEach((_, index) => {
        outcomes[start + index] = { kind: 'failed', error: errorMessage(plans) };
      });
      continue;
    }
    const watermarks: WatermarkEntry[] = [];
    await forEachLimited(plans, concurrency, async (plan, index) => {
      try {
        outcomes[start + index] = await digestFor(deps, plan, sheets, options, watermarks);
      } catch (error) {
        // One subscriber's trouble (store or render) never stops the others.
        outcomes[start + index] = { kind: 'failed', error: errorMessage(error) };
      }
    });
    await recordWatermarks(deps, watermarks);
  }

  const report: DigestReport = { sent: [], failed: [], skipped: 0 };
  subscribers.forEach((subscriber, index) => {
    const outcome = outcomes[index]!;
    if (outcome.kind === 'sent') {
      report.sent.push({ email: subscriber.email, messageId: outcome.messageId, alerts: outcome.alerts });
    } else if (outcome.kind === 'failed') {
      report.failed.push({ email: subscriber.email, error: outcome.error });
    } else report.skipped++;
  });
  deps.logger.log(report.failed.length > 0 ? 'warn' : 'info', 'digest run', {
    frequency: options.frequency,
    dryRun: options.dryRun === true,
    sent: report.sent.length,
    failed: report.failed.length,
    skipped: report.skipped,
  });
  return report;
}

/** Cited changes named per factsheet in an email, newest first; the dashboard has them all. */
const MAX_CHANGES_PER_SHEET = 5;

/**
 * The factsheets an email puts in question (its evidence includes one of the email's alerts),
 * in the dashboard's order, each naming its cited changes.
 */
function sheetsFor(deps: ServiceDeps, sheets: readonly FactsheetView[], alerts: readonly Alert[]) {
  const ids = new Set(alerts.map((alert) => alert.id));
  const today = localDate(deps.clock.now(), deps.config.digests.timezone);
  return sheets
    .filter((sheet) => sheet.evidence.some((alert) => ids.has(alert.id)))
    .map((sheet) => ({
      title: sheet.title,
      url: sheet.url,
      changes: sheet.evidence
        .filter((alert) => alert.because.reason === 'cites')
        .slice(0, MAX_CHANGES_PER_SHEET)
        .map((alert) => citedChangeText(alert, today)),
    }));
}

/**
 * How far before its watermark a run looks again. An alert's `detectedAt` is taken when its
 * source's poll starts and the alert is written a little later; looking back well past any poll's
 * length means none written late is skipped, and delivery records make the overlap harmless.
 */
export const WATERMARK_OVERLAP_MS = 60 * 60 * 1000;

/**
 * Where to start reading alerts: the confirmation, or (while the subscriber's topics and
 * confirmation are those the watermark was made for) the watermark less the overlap. Without it
 * every run would re-read everything since confirmation, which grows without bound.
 */
export function digestFrom(
  confirmedAt: string,
  topics: readonly string[],
  watermark: DigestWatermark | null,
): string {
  if (!watermark || watermark.confirmedAt !== confirmedAt || !sameTopics(watermark.topics, topics)) {
    return confirmedAt;
  }
  const from = Date.parse(watermark.through) - WATERMARK_OVERLAP_MS;
  return from > Date.parse(confirmedAt) ? new Date(from).toISOString() : confirmedAt;
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** One listing of alerts shared by every subscriber with the same topics and start in a run. */
type AlertRead = { at: Date; alerts: Promise<Alert[]> };

type WatermarkEntry = { email: string; watermark: DigestWatermark };

/** One subscriber's share of a run: nothing to do, or the undelivered alerts (oldest first). */
type Plan =
  | { kind: 'skip'; email: string }
  | { kind: 'digest'; subscriber: Subscriber; topics: string[]; alerts: DigestAlert[]; at: Date };

/**
 * Reads what a chunk of subscribers needs in a few batched requests: their records (the list is
 * as old as the run and comes from an index that may lag: the record decides, so someone who
 * just left or changed frequency gets nothing and the links carry the current version), their
 * watermarks, the alerts on their topics (one query per distinct topics-and-start, shared by the
 * whole run) and which of those they already have.
 */
async function planChunk(
  deps: ServiceDeps,
  listed: Subscriber[],
  options: DigestOptions,
  alertCache: Map<string, AlertRead>,
): Promise<Plan[]> {
  if (listed.length === 0) return [];
  const emails = listed.map((subscriber) => subscriber.email);
  const [records, watermarks] = await Promise.all([
    deps.store.subscribers.getMany(emails),
    deps.store.deliveries.watermarks(emails),
  ]);
  const at = deps.clock.now();
  // Only topics still in the config: a removed topic's alerts stay queryable (docs/contract.md §2), but
  // the email could not place them under any heading and would go out empty or miscounted.
  const configured = new Set(deps.config.topics.map((topic) => topic.id));
  const plans = await Promise.all(
    emails.map(async (email): Promise<Plan> => {
      const subscriber = records.get(email);
      if (subscriber?.status !== 'confirmed' || subscriber.frequency !== options.frequency) {
        return { kind: 'skip', email };
      }
      const topics = subscriber.topics.filter((id) => configured.has(id));
      if (!subscriber.confirmedAt || topics.length === 0)
        return { kind: 'digest', subscriber, topics, alerts: [], at };
      const from = digestFrom(subscriber.confirmedAt, topics, watermarks.get(email) ?? null);
      const key = `${[...topics].sort().join(',')}|${from}`;
      let read = alertCache.get(key);
      if (!read) {
        read = { at: deps.clock.now(), alerts: deps.store.alerts.listDetectedSince(topics, from) };
        alertCache.set(key, read);
        read.alerts.catch(() => alertCache.delete(key));
      }
      // The watermark may only claim what this read covered: up to when it was made.
      return { kind: 'digest', subscriber, topics, alerts: await read.alerts, at: read.at };
    }),
  );
  const staleBefore = new Date(deps.clock.now().getTime() - STALE_CLAIM_MS).toISOString();
  const asked = plans.flatMap((plan) =>
    plan.kind === 'digest' && plan.alerts.length > 0
      ? [{ email: plan.subscriber.email, alertIds: plan.alerts.map((alert) => alert.id) }]
      : [],
  );
  const delivered =
    asked.length > 0 ? await deps.store.deliveries.deliveredMany(asked, staleBefore) : new Map();
  const undelivered = plans.map((plan) => {
    if (plan.kind !== 'digest') return plan;
    const done = delivered.get(plan.subscriber.email) ?? new Set<string>();
    return { ...plan, alerts: plan.alerts.filter((alert) => !done.has(alert.id)) };
  });
  return Promise.all(
    undelivered.map(async (plan) =>
      plan.kind === 'digest'
        ? { ...plan, alerts: await withoutJudgedNotRelevant(deps, plan.alerts, plan.topics) }
        : plan,
    ),
  );
}

/**
 * Staff feedback: an alert judged not relevant for a topic leaves that topic's digests. It stays
 * only through the subscriber's other topics, and is shown (grouped) under those alone; its
 * factsheet evidence is unchanged, so `topicsShown` is kept beside the alert, not in it.
 */
async function withoutJudgedNotRelevant(
  deps: ServiceDeps,
  alerts: Alert[],
  topics: readonly string[],
): Promise<DigestAlert[]> {
  if (alerts.length === 0) return [];
  const left = await notRelevantTopics(deps, alerts);
  const kept: DigestAlert[] = [];
  for (const alert of alerts) {
    const out = left.get(alert.id);
    if (!out) {
      kept.push(alert);
      continue;
    }
    const shown = alert.topics.filter((topic) => !out.has(topic));
    if (shown.some((topic) => topics.includes(topic))) kept.push({ ...alert, topicsShown: shown });
  }
  return kept;
}

/** An alert bound for a digest; `topicsShown` when staff feedback took some of its topics away. */
type DigestAlert = Alert & { topicsShown?: string[] };

/** After a chunk: watermarks of those it left nothing behind for; a failure only costs a re-read. */
async function recordWatermarks(deps: ServiceDeps, entries: WatermarkEntry[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await deps.store.deliveries.setWatermarks(entries);
  } catch (error) {
    deps.logger.log('warn', 'digest watermarks not recorded', { subscribers: entries.length, error });
  }
}

function watermarkFor(subscriber: Subscriber, topics: string[], through: string): WatermarkEntry[] {
  if (!subscriber.confirmedAt) return [];
  return [{ email: subscriber.email, watermark: { through, topics, confirmedAt: subscriber.confirmedAt } }];
}

async function digestFor(
  deps: ServiceDeps,
  plan: Plan,
  sheets: readonly FactsheetView[],
  options: DigestOptions,
  watermarks: WatermarkEntry[],
): Promise<Outcome> {
  if (plan.kind === 'skip') return { kind: 'skipped' };
  const dryRun = options.dryRun === true;
  const { subscriber } = plan;
  const now = deps.clock.now();
  const at = now.toISOString();
  // The delivered set was read at `plan.at`; the claims below decide, with the same window.
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  const candidates = plan.alerts.slice(0, deps.config.digests.maxAlertsPerEmail);
  // Everything up to the plan's time is dealt with once these are sent (none left for the next email).
  const complete = candidates.length === plan.alerts.length;
  const through = plan.at.toISOString();
  if (candidates.length === 0) {
    if (!dryRun) watermarks.push(...watermarkFor(subscriber, plan.topics, through));
    return { kind: 'skipped' };
  }
  if (dryRun) {
    render(deps, subscriber, candidates, sheets);
    return { kind: 'sent', messageId: null, alerts: candidates.length };
  }

  const claims = await Promise.allSettled(
    candidates.map((alert) => deps.store.deliveries.claim(subscriber.email, alert.id, at, staleBefore)),
  );
  // Another run holds the ones not claimed: they are its to send.
  const alerts = candidates.filter((_, index) => {
    const claim = claims[index];
    return claim?.status === 'fulfilled' && claim.value;
  });
  const ids = alerts.map((alert) => alert.id);
  const broken = claims.find((claim) => claim.status === 'rejected');
  if (broken) {
    await deps.store.deliveries.release(subscriber.email, ids, at);
    return { kind: 'failed', error: errorMessage(broken.reason) };
  }
  if (alerts.length === 0) return { kind: 'skipped' };

  let raw: Buffer;
  let messageId: string;
  try {
    const { email, unsubscribe } = render(deps, subscriber, alerts, sheets);
    raw = await buildMime({
      ...envelopeTo(deps, subscriber.email),
      ...email,
      unsubscribeUrl: unsubscribe,
      date: now,
    });
    ({ messageId } = await deps.mailer.sendRaw({ from: deps.mailFrom, to: subscriber.email, raw }));
  } catch (error) {
    await deps.store.deliveries.release(subscriber.email, ids, at);
    deps.logger.log('warn', 'digest not sent; claims released for the next run', {
      email: subscriber.email,
      error,
    });
    return { kind: 'failed', error: errorMessage(error) };
  }
  await markSent(deps, subscriber.email, ids, messageId, at);
  if (complete && alerts.length === candidates.length) {
    watermarks.push(...watermarkFor(subscriber, plan.topics, through));
  }
  return { kind: 'sent', messageId, alerts: alerts.length };
}

function render(
  deps: ServiceDeps,
  subscriber: Subscriber,
  alerts: DigestAlert[],
  sheets: readonly FactsheetView[],
) {
  const links = linksFor(deps, subscriber);
  const email = renderDigest({
    organisation: deps.config.organisation,
    timezone: deps.config.digests.timezone,
    topics: deps.config.topics,
    subscriber,
    alerts: alerts.map(({ topicsShown, ...alert }) =>
      topicsShown ? { ...alert, topics: topicsShown } : alert,
    ),
    factsheets: sheetsFor(deps, sheets, alerts),
    links,
  });
  return { email, unsubscribe: links.unsubscribe };
}

/**
 * SES has accepted the message: the record must follow. A few quick retries, then a loud log;
 * the claims would go stale in 15 minutes and be sent again, the one duplicate docs/contract.md §7 allows.
 */
async function markSent(
  deps: ServiceDeps,
  email: string,
  ids: string[],
  messageId: string,
  claimedAt: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.deliveries.markSent(email, ids, messageId, deps.clock.now().toISOString(), claimedAt);
      return;
    } catch (error) {
      if (attempt >= 3) {
        deps.logger.log('error', 'digest sent but not recorded: it may be sent again', {
          email,
          messageId,
          alerts: ids,
          error,
        });
        return;
      }
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
