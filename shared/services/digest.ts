/**
 * @module Digests (SPEC §4, §7): for each confirmed subscriber of a frequency, every alert on
 * their topics detected since confirmation and not yet sent, in one email; idempotent sending.
 *
 * Each (subscriber, alert) is claimed with a conditional write before the send, marked with the
 * SES message id right after it, and released when the send fails (so the next run retries).
 * The only way an alert reaches someone twice is a crash between SES accepting the message and
 * `markSent`: the claim then goes stale after 15 minutes and the alert is sent again. Nothing
 * but the mark runs in that window (the message is built before sending).
 */
import { citedChangeText, localDate } from '../domain/cited-evidence.ts';
import type { Alert, DigestWatermark, Frequency, Subscriber } from '../domain/types.ts';
import { buildMime } from '../mail/mime.ts';
import { envelopeTo, linksFor } from '../mail/notices.ts';
import { renderDigest } from '../mail/render-digest.ts';
import type { ServiceDeps } from './deps.ts';
import { type FactsheetView, listFactsheets } from './factsheets.ts';

/** Exactly the `digest --json` document of SPEC §4. */
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

/** An unsent claim older than this is taken to be a crash after the send (SPEC §7). */
export const STALE_CLAIM_MS = 15 * 60 * 1000;

type Outcome =
  | { kind: 'sent'; messageId: string | null; alerts: number }
  | { kind: 'skipped' }
  | { kind: 'failed'; error: string };

export async function runDigest(deps: ServiceDeps, options: DigestOptions): Promise<DigestReport> {
  const subscribers = (await deps.store.subscribers.listConfirmed(options.frequency)).sort((a, b) =>
    a.email < b.email ? -1 : a.email > b.email ? 1 : 0,
  );
  const sheets =
    deps.config.factsheets.length > 0 && subscribers.length > 0 ? await listFactsheets(deps) : [];
  const outcomes: Outcome[] = new Array(subscribers.length);
  let next = 0;
  const worker = async () => {
    while (next < subscribers.length) {
      const index = next++;
      const subscriber = subscribers[index]!;
      try {
        outcomes[index] = await digestFor(deps, subscriber, sheets, options);
      } catch (error) {
        // One subscriber's trouble (store or render) never stops the others.
        outcomes[index] = { kind: 'failed', error: errorMessage(error) };
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, subscribers.length));
  await Promise.all(Array.from({ length: workers }, worker));

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

/** Alerts on the subscriber's current topics detected since confirmation and not delivered, oldest first. */
async function pendingAlerts(
  deps: ServiceDeps,
  subscriber: Subscriber,
  staleBefore: string,
): Promise<{ alerts: Alert[]; topics: string[] }> {
  // Only topics still in the config: a removed topic's alerts stay queryable (SPEC §2), but
  // the email could not place them under any heading and would go out empty or miscounted.
  const configured = new Set(deps.config.topics.map((topic) => topic.id));
  const topics = subscriber.topics.filter((id) => configured.has(id));
  if (!subscriber.confirmedAt || topics.length === 0) return { alerts: [], topics };
  const watermark = await deps.store.deliveries.watermark(subscriber.email);
  const from = digestFrom(subscriber.confirmedAt, topics, watermark);
  const alerts = await deps.store.alerts.listDetectedSince(topics, from);
  if (alerts.length === 0) return { alerts, topics };
  const delivered = await deps.store.deliveries.delivered(
    subscriber.email,
    alerts.map((alert) => alert.id),
    staleBefore,
  );
  return { alerts: alerts.filter((alert) => !delivered.has(alert.id)), topics };
}

/** After a run that left nothing behind for this subscriber; a failure only costs a re-read. */
async function advanceWatermark(
  deps: ServiceDeps,
  subscriber: Subscriber,
  topics: string[],
  through: string,
) {
  if (!subscriber.confirmedAt) return;
  try {
    await deps.store.deliveries.setWatermark(subscriber.email, {
      through,
      topics,
      confirmedAt: subscriber.confirmedAt,
    });
  } catch (error) {
    deps.logger.log('warn', 'digest watermark not recorded', { email: subscriber.email, error });
  }
}

async function digestFor(
  deps: ServiceDeps,
  listed: Subscriber,
  sheets: readonly FactsheetView[],
  options: DigestOptions,
): Promise<Outcome> {
  const dryRun = options.dryRun === true;
  // The list is as old as the run (a long run takes minutes) and comes from an index that may
  // lag: the record itself decides, so someone who just left or changed frequency gets nothing
  // and the links carry the current subscription version.
  const subscriber = await deps.store.subscribers.get(listed.email);
  if (subscriber?.status !== 'confirmed' || subscriber.frequency !== options.frequency) {
    return { kind: 'skipped' };
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  const pending = await pendingAlerts(deps, subscriber, staleBefore);
  const candidates = pending.alerts.slice(0, deps.config.digests.maxAlertsPerEmail);
  // Everything up to `at` is dealt with once these are sent (none left for the next email).
  const complete = candidates.length === pending.alerts.length;
  if (candidates.length === 0) {
    if (!dryRun) await advanceWatermark(deps, subscriber, pending.topics, at);
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
  await markSent(deps, subscriber.email, ids, messageId);
  if (complete && alerts.length === candidates.length)
    await advanceWatermark(deps, subscriber, pending.topics, at);
  return { kind: 'sent', messageId, alerts: alerts.length };
}

function render(
  deps: ServiceDeps,
  subscriber: Subscriber,
  alerts: Alert[],
  sheets: readonly FactsheetView[],
) {
  const links = linksFor(deps, subscriber);
  const email = renderDigest({
    organisation: deps.config.organisation,
    timezone: deps.config.digests.timezone,
    topics: deps.config.topics,
    subscriber,
    alerts,
    factsheets: sheetsFor(deps, sheets, alerts),
    links,
  });
  return { email, unsubscribe: links.unsubscribe };
}

/**
 * SES has accepted the message: the record must follow. A few quick retries, then a loud log;
 * the claims would go stale in 15 minutes and be sent again, the one duplicate SPEC §7 allows.
 */
async function markSent(deps: ServiceDeps, email: string, ids: string[], messageId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.deliveries.markSent(email, ids, messageId, deps.clock.now().toISOString());
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
