/**
 * @module Digests (docs/contract.md §4, §7): for each confirmed subscriber of a frequency, every alert on
 * their topics detected since confirmation and not yet sent, in one email; idempotent sending.
 *
 * An email's alerts are claimed together before the send, with one conditional write on the
 * subscriber's claims record (store/deliveries.ts); each (subscriber, alert) is marked with the
 * SES message id right after the send (BatchWrites shared by the emails that finish together,
 * unprocessed items retried); the claim is released when the send fails (so the next run
 * retries). The claim holds only if the record is still at the version read with the deliveries:
 * any claim or release since (another run) makes it fail, and the subscriber is re-read,
 * strongly, before trying again, so two runs never send the same alert. A claim never marked (a
 * crash between SES accepting the message and the marks) keeps its alerts for 15 minutes, then
 * they are sent again: the one duplicate docs/contract.md §7 allows. Nothing but the marks runs in
 * that window (the message is built before sending).
 *
 * One claim per email rather than per (subscriber, alert) takes the conditional writes from one
 * per alert to one per email; the marks add a fraction of a write per email. The reads are
 * batched: records, watermarks, judgements and deliveries of 50 subscribers at a time (read
 * while the previous 50 are sent), and one alert listing per distinct topics and start for the
 * whole run (services/digest-plan.ts).
 */
import { randomUUID } from 'node:crypto';
import { citedChangeText, localDate } from '../domain/cited-evidence.ts';
import type { SentEmail } from '../domain/ports.ts';
import type { DeliveryClaim, DigestWatermark, Frequency, Subscriber } from '../domain/types.ts';
import { buildMime } from '../mail/mime.ts';
import { envelopeTo, linksFor } from '../mail/notices.ts';
import { renderDigest } from '../mail/render-digest.ts';
import { forEachLimited } from '../system/pool.ts';
import { type AlertReads, type DigestAlert, type Plan, planChunk, rereadState } from './digest-plan.ts';
import { type FactsheetView, listFactsheets } from './factsheets.ts';
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
  /**
   * Subscribers handled at once (the mailer still paces to the SES send rate); default 16, which
   * hides store and SES round trips and lets marks share writes.
   */
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

/** Claims tried per subscriber while other runs keep changing its claims record. */
const CLAIM_ATTEMPTS = 3;

/** What every email of a run shares. */
interface RunContext {
  sheets: readonly FactsheetView[];
  /** Today in `digests.timezone`, for the cited changes' dates. */
  today: string;
  dryRun: boolean;
  /** Records sent emails, several per write when they finish together. */
  mark: Marker;
}

export async function runDigest(deps: ServiceDeps, options: DigestOptions): Promise<DigestReport> {
  const subscribers = (await deps.store.subscribers.listConfirmed(options.frequency)).sort((a, b) =>
    a.email < b.email ? -1 : a.email > b.email ? 1 : 0,
  );
  const context: RunContext = {
    sheets: deps.config.factsheets.length > 0 && subscribers.length > 0 ? await listFactsheets(deps) : [],
    today: localDate(deps.clock.now(), deps.config.digests.timezone),
    dryRun: options.dryRun === true,
    mark: createMarker(deps),
  };
  const outcomes: Outcome[] = new Array(subscribers.length);
  const alertReads: AlertReads = new Map();
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const plan = (from: number) =>
    planChunk(deps, subscribers.slice(from, from + CHUNK), options.frequency, alertReads, staleBefore(deps));
  // Reading the next chunk overlaps sending the current one.
  let nextPlans = plan(0);
  for (let start = 0; start < subscribers.length; start += CHUNK) {
    const chunk = subscribers.slice(start, start + CHUNK);
    const plans = await nextPlans.then(
      (value) => value,
      (error: unknown) => error,
    );
    if (start + CHUNK < subscribers.length) nextPlans = plan(start + CHUNK);
    if (!Array.isArray(plans)) {
      // The chunk's reads failed: its subscribers fail this run and are retried by the next.
      chunk.forEach((_, index) => {
        outcomes[start + index] = { kind: 'failed', error: errorMessage(plans) };
      });
      continue;
    }
    const watermarks: WatermarkEntry[] = [];
    await forEachLimited(plans as Plan[], concurrency, async (plan, index) => {
      try {
        outcomes[start + index] = await digestFor(deps, plan, context, watermarks);
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
    dryRun: context.dryRun,
    sent: report.sent.length,
    failed: report.failed.length,
    skipped: report.skipped,
  });
  return report;
}

/** Claims made before this instant are taken to be a crash after the send. */
const staleBefore = (deps: ServiceDeps) =>
  new Date(deps.clock.now().getTime() - STALE_CLAIM_MS).toISOString();

/** Cited changes named per factsheet in an email, newest first; the dashboard has them all. */
const MAX_CHANGES_PER_SHEET = 5;

/**
 * The factsheets an email puts in question (its evidence includes one of the email's alerts),
 * in the dashboard's order, each naming its cited changes.
 */
function sheetsFor(context: RunContext, alerts: readonly DigestAlert[]) {
  if (context.sheets.length === 0) return [];
  const ids = new Set(alerts.map((alert) => alert.id));
  return context.sheets
    .filter((sheet) => sheet.evidence.some((alert) => ids.has(alert.id)))
    .map((sheet) => ({
      title: sheet.title,
      url: sheet.url,
      changes: sheet.evidence
        .filter((alert) => alert.because.reason === 'cites')
        .slice(0, MAX_CHANGES_PER_SHEET)
        .map((alert) => citedChangeText(alert, context.today)),
    }));
}

type WatermarkEntry = { email: string; watermark: DigestWatermark };

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

/** What one email will carry, from a plan's alerts and deliveries state. */
function candidatesOf(deps: ServiceDeps, plan: Extract<Plan, { kind: 'digest' }>) {
  const pending = plan.alerts.filter((alert) => !plan.state.done.has(alert.id));
  const candidates = pending.slice(0, deps.config.digests.maxAlertsPerEmail);
  // Everything up to the plan's time is dealt with once these are sent: none left for the next
  // email, and none held by another run's claim (which may yet be released).
  const complete =
    candidates.length === pending.length && !plan.alerts.some((alert) => plan.state.held.has(alert.id));
  return { candidates, complete };
}

async function digestFor(
  deps: ServiceDeps,
  first: Plan,
  context: RunContext,
  watermarks: WatermarkEntry[],
): Promise<Outcome> {
  if (first.kind === 'skip') return { kind: 'skipped' };
  let plan = first;
  const { subscriber } = plan;
  const now = deps.clock.now();
  const at = now.toISOString();
  // The state was read against the same window; the claim decides.
  const stale = staleBefore(deps);
  const through = plan.at.toISOString();
  let claim: DeliveryClaim | null = null;
  let alerts: DigestAlert[] = [];
  let complete = false;
  for (let attempt = 1; claim === null; attempt++) {
    const next = candidatesOf(deps, plan);
    ({ complete } = next);
    alerts = next.candidates;
    if (alerts.length === 0) {
      if (!context.dryRun && complete) watermarks.push(...watermarkFor(subscriber, plan.topics, through));
      return { kind: 'skipped' };
    }
    if (context.dryRun) {
      render(deps, context, plan.subscriber, alerts);
      return { kind: 'sent', messageId: null, alerts: alerts.length };
    }
    const wanted = { token: randomUUID(), claimedAt: at, alertIds: alerts.map((alert) => alert.id) };
    try {
      if (await deps.store.deliveries.claim(subscriber.email, plan.state, wanted, stale)) claim = wanted;
    } catch (error) {
      // The write may have landed with only its answer lost: take the claim back if so.
      await release(deps, subscriber.email, wanted);
      return { kind: 'failed', error: errorMessage(error) };
    }
    // Another run claimed or released for this address since the read: what is left is re-read.
    if (claim === null) {
      if (attempt >= CLAIM_ATTEMPTS) return { kind: 'skipped' };
      plan = await rereadState(deps, plan, stale);
    }
  }

  let messageId: string;
  try {
    const { email, unsubscribe } = render(deps, context, subscriber, alerts);
    const raw = await buildMime({
      ...envelopeTo(deps, subscriber.email),
      ...email,
      unsubscribeUrl: unsubscribe,
      date: now,
    });
    ({ messageId } = await deps.mailer.sendRaw({ from: deps.mailFrom, to: subscriber.email, raw }));
  } catch (error) {
    await release(deps, subscriber.email, claim);
    deps.logger.log('warn', 'digest not sent; claims released for the next run', {
      email: subscriber.email,
      error,
    });
    return { kind: 'failed', error: errorMessage(error) };
  }
  await context.mark({ email: subscriber.email, alertIds: claim.alertIds, messageId, claimedAt: at });
  if (complete) watermarks.push(...watermarkFor(subscriber, plan.topics, through));
  return { kind: 'sent', messageId, alerts: alerts.length };
}

/** Gives a claim back after a failed send; if that fails too, it goes stale in 15 minutes. */
async function release(deps: ServiceDeps, email: string, claim: DeliveryClaim): Promise<void> {
  try {
    await deps.store.deliveries.release(email, claim);
  } catch (error) {
    deps.logger.log('warn', 'digest claim not released: its alerts wait until it goes stale', {
      email,
      error,
    });
  }
}

function render(deps: ServiceDeps, context: RunContext, subscriber: Subscriber, alerts: DigestAlert[]) {
  const links = linksFor(deps, subscriber);
  const email = renderDigest({
    organisation: deps.config.organisation,
    timezone: deps.config.digests.timezone,
    topics: deps.config.topics,
    subscriber,
    alerts: alerts.map(({ topicsShown, ...alert }) =>
      topicsShown ? { ...alert, topics: topicsShown } : alert,
    ),
    factsheets: sheetsFor(context, alerts),
    links,
  });
  return { email, unsubscribe: links.unsubscribe };
}

type Marker = (sent: SentEmail) => Promise<void>;

/**
 * Marks of emails that finish together share their BatchWrites (group commit): a mark is written
 * at once when no mark write is in flight, else with the next one, which starts as soon as the
 * one in flight returns. A sent email so waits at most one write for its mark (the window
 * docs/contract.md §7 allows a duplicate in grows by that), and concurrent sends need far fewer
 * mark requests than emails. The promise settles once the email's mark is written (or given up).
 */
function createMarker(deps: ServiceDeps): Marker {
  let queue: { sent: SentEmail; done: () => void }[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      await writeMarks(
        deps,
        batch.map((entry) => entry.sent),
      );
      for (const entry of batch) entry.done();
    }
    writing = false;
  };
  return (sent) =>
    new Promise<void>((done) => {
      queue.push({ sent, done });
      if (!writing) void drain();
    });
}

/**
 * SES has accepted the messages: the records must follow. A few quick retries, then a loud log
 * per email; the claims would go stale in 15 minutes and be sent again, the one duplicate
 * docs/contract.md §7 allows.
 */
async function writeMarks(deps: ServiceDeps, sends: SentEmail[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.deliveries.markSentMany(sends, deps.clock.now().toISOString());
      return;
    } catch (error) {
      if (attempt >= 3) {
        for (const { email, messageId, alertIds } of sends) {
          deps.logger.log('error', 'digest sent but not recorded: it may be sent again', {
            email,
            messageId,
            alerts: alertIds,
            error,
          });
        }
        return;
      }
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
