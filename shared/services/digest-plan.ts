/**
 * @module A digest run's reads (services/digest.ts): for a chunk of subscribers, in a few batched
 * requests, who gets an email, which alerts it may carry and the deliveries state to claim against.
 */
import type { DeliveryState } from '../domain/ports.ts';
import type { Alert, DigestWatermark, Frequency, Subscriber } from '../domain/types.ts';
import { notRelevantTopics } from './feedback.ts';
import type { ServiceDeps } from './service-deps.ts';

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

/** An alert bound for a digest; `topicsShown` when staff feedback took some of its topics away. */
export type DigestAlert = Alert & { topicsShown?: string[] };

/** One listing of alerts shared by every subscriber with the same topics and start in a run. */
export type AlertReads = Map<string, { at: Date; alerts: Promise<Alert[]> }>;

/**
 * One subscriber's share of a run: nothing to do, or the alerts on their topics since their
 * start (oldest first, staff feedback applied) with the deliveries state read for them; the
 * email carries those not in `state.done`. `at`: when the alerts were read (the watermark may
 * claim no more).
 */
export type Plan =
  | { kind: 'skip'; email: string }
  | {
      kind: 'digest';
      subscriber: Subscriber;
      topics: string[];
      alerts: DigestAlert[];
      state: DeliveryState;
      at: Date;
    };

/**
 * Reads what a chunk of subscribers needs in a few batched requests: their records (the list is
 * as old as the run and comes from an index that may lag: the record decides, so someone who
 * just left or changed frequency gets nothing and the links carry the current version), their
 * watermarks, the alerts on their topics (one query per distinct topics-and-start, shared by the
 * whole run), the staff judgements on those alerts (one read for the chunk) and the deliveries
 * state (what they already have, and their claims record).
 */
export async function planChunk(
  deps: ServiceDeps,
  listed: Subscriber[],
  frequency: Frequency,
  alertReads: AlertReads,
  staleBefore: string,
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
  const read = await Promise.all(
    emails.map(async (email) => {
      const subscriber = records.get(email);
      if (subscriber?.status !== 'confirmed' || subscriber.frequency !== frequency) return null;
      const topics = subscriber.topics.filter((id) => configured.has(id));
      if (!subscriber.confirmedAt || topics.length === 0) return { subscriber, topics, alerts: [], at };
      const from = digestFrom(subscriber.confirmedAt, topics, watermarks.get(email) ?? null);
      const key = `${[...topics].sort().join(',')}|${from}`;
      let listing = alertReads.get(key);
      if (!listing) {
        listing = { at: deps.clock.now(), alerts: deps.store.alerts.listDetectedSince(topics, from) };
        alertReads.set(key, listing);
        listing.alerts.catch(() => alertReads.delete(key));
      }
      return { subscriber, topics, alerts: await listing.alerts, at: listing.at };
    }),
  );
  const wanted = read.flatMap((entry) => (entry ? [entry] : []));
  const judged = await judgedOut(
    deps,
    wanted.flatMap((entry) => entry.alerts),
  );
  const kept = wanted.map((entry) => ({
    ...entry,
    alerts: withoutJudged(entry.alerts, entry.topics, judged),
  }));
  const states = await deps.store.deliveries.deliveryStates(
    kept
      .filter((entry) => entry.alerts.length > 0)
      .map((entry) => ({ email: entry.subscriber.email, alertIds: entry.alerts.map((alert) => alert.id) })),
    staleBefore,
  );
  const byEmail = new Map(kept.map((entry) => [entry.subscriber.email, entry]));
  return emails.map((email): Plan => {
    const entry = byEmail.get(email);
    if (!entry) return { kind: 'skip', email };
    const state = states.get(email) ?? emptyState();
    return { kind: 'digest', ...entry, state };
  });
}

/** What an address without delivery records reads as. */
const emptyState = (): DeliveryState => ({ done: new Set(), held: new Set(), version: 0, claims: [] });

/** Re-reads one subscriber's deliveries state, strongly, after another run changed it. */
export async function rereadState(
  deps: ServiceDeps,
  plan: Extract<Plan, { kind: 'digest' }>,
  staleBefore: string,
): Promise<Extract<Plan, { kind: 'digest' }>> {
  const { email } = plan.subscriber;
  const states = await deps.store.deliveries.deliveryStates(
    [{ email, alertIds: plan.alerts.map((alert) => alert.id) }],
    staleBefore,
    { consistent: true },
  );
  return { ...plan, state: states.get(email) ?? emptyState() };
}

/** The topics staff judged not relevant, per alert, for a chunk's alerts (one batched read). */
async function judgedOut(deps: ServiceDeps, alerts: readonly Alert[]): Promise<Map<string, Set<string>>> {
  const unique = [...new Map(alerts.map((alert) => [alert.id, alert])).values()];
  return unique.length === 0 ? new Map() : notRelevantTopics(deps, unique);
}

/**
 * Staff feedback: an alert judged not relevant for a topic leaves that topic's digests. It stays
 * only through the subscriber's other topics, and is shown (grouped) under those alone; its
 * factsheet evidence is unchanged, so `topicsShown` is kept beside the alert, not in it.
 */
function withoutJudged(
  alerts: readonly Alert[],
  topics: readonly string[],
  judged: Map<string, Set<string>>,
): DigestAlert[] {
  const kept: DigestAlert[] = [];
  for (const alert of alerts) {
    const out = judged.get(alert.id);
    if (!out) {
      kept.push(alert);
      continue;
    }
    const shown = alert.topics.filter((topic) => !out.has(topic));
    if (shown.some((topic) => topics.includes(topic))) kept.push({ ...alert, topicsShown: shown });
  }
  return kept;
}
