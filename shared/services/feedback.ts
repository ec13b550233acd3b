/**
 * @module Staff feedback on relevance: judging an alert for one of its topics, reporting a missed
 * publication, listing both, and each topic's quality. Bad input changes nothing.
 */
import { randomBytes } from 'node:crypto';
import {
  type Feedback,
  type Judgement,
  judgementView,
  MAX_NOTE_LENGTH,
  MAX_SUMMARY_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_URL_LENGTH,
  type MissedItem,
  missedView,
  type StoredJudgement,
  type TopicQuality,
  topicQuality,
} from '../domain/feedback.ts';
import type { Alert } from '../domain/types.ts';
import { isHttpUrl } from '../domain/urls.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface FeedbackError {
  path: string;
  message: string;
}

export type JudgeResult =
  | { ok: true; judgement: Judgement }
  | { ok: false; error: 'not_found'; message: string }
  | { ok: false; error: 'invalid'; details: FeedbackError[] };

/** Records a judgement of `alertId` for one of its topics; the latest per (alert, topic) stands. */
export async function judgeAlert(
  deps: ServiceDeps,
  alertId: string,
  input: { topic: string; relevant: boolean; note?: string | undefined },
): Promise<JudgeResult> {
  const note = input.note?.trim() ?? '';
  if (note.length > MAX_NOTE_LENGTH) {
    return invalid('note', `must be at most ${MAX_NOTE_LENGTH} characters`);
  }
  const alert = await deps.store.alerts.get(alertId);
  if (!alert) return { ok: false, error: 'not_found', message: `no alert "${alertId}"` };
  // A removed topic the alert still lists may be judged: its judgements are kept too.
  if (!alert.topics.includes(input.topic)) {
    return invalid(
      'topic',
      `the alert is not on topic "${input.topic}" (it has: ${alert.topics.join(', ') || 'none'})`,
    );
  }
  const judgement: StoredJudgement = {
    type: 'judgement',
    alertId,
    topic: input.topic,
    relevant: input.relevant,
    ...(note === '' ? {} : { note }),
    at: deps.clock.now().toISOString(),
    terms: alert.matched.find((match) => match.topic === input.topic)?.terms ?? [],
  };
  if (!(await deps.store.feedback.judge(judgement))) {
    deps.logger.log('info', 'judgement superseded by a later one', { alertId, topic: input.topic });
  }
  return { ok: true, judgement: judgementView(judgement) };
}

function invalid(path: string, message: string): { ok: false; error: 'invalid'; details: FeedbackError[] } {
  return { ok: false, error: 'invalid', details: [{ path, message }] };
}

export type MissedResult =
  | { ok: true; missed: MissedItem }
  | { ok: false; error: 'invalid'; details: FeedbackError[] };

export interface MissedInput {
  title: string;
  url: string;
  summary?: string | undefined;
  topics: readonly string[];
}

/** Every problem with a missed-item report (empty when it is fine). */
export function checkMissed(deps: ServiceDeps, input: MissedInput): FeedbackError[] {
  const details: FeedbackError[] = [];
  const title = input.title.trim();
  if (title === '') details.push({ path: 'title', message: 'must not be empty' });
  else if (title.length > MAX_TITLE_LENGTH) {
    details.push({ path: 'title', message: `must be at most ${MAX_TITLE_LENGTH} characters` });
  }
  const url = input.url.trim();
  if (url.length > MAX_URL_LENGTH) {
    details.push({ path: 'url', message: `must be at most ${MAX_URL_LENGTH} characters` });
  } else if (!isHttpUrl(url)) {
    details.push({ path: 'url', message: 'must be an http or https URL' });
  }
  if ((input.summary?.trim().length ?? 0) > MAX_SUMMARY_LENGTH) {
    details.push({ path: 'summary', message: `must be at most ${MAX_SUMMARY_LENGTH} characters` });
  }
  if (input.topics.length === 0) details.push({ path: 'topics', message: 'choose at least one topic' });
  const configured = new Set(deps.config.topics.map((topic) => topic.id));
  for (const [index, topic] of input.topics.entries()) {
    if (!configured.has(topic))
      details.push({ path: `topics[${index}]`, message: `unknown topic "${topic}"` });
  }
  return details;
}

/** Records a publication the service should have caught. */
export async function reportMissed(deps: ServiceDeps, input: MissedInput): Promise<MissedResult> {
  const details = checkMissed(deps, input);
  if (details.length > 0) return { ok: false, error: 'invalid', details };
  const summary = input.summary?.trim() ?? '';
  const item: MissedItem = {
    type: 'missed',
    id: randomBytes(12).toString('base64url'),
    title: input.title.trim(),
    url: new URL(input.url.trim()).href,
    ...(summary === '' ? {} : { summary }),
    topics: [...new Set(input.topics)],
    at: deps.clock.now().toISOString(),
  };
  await deps.store.feedback.addMissed(item);
  return { ok: true, missed: missedView(item) };
}

/**
 * Known = configured, or removed but still present in stored data (its alerts stay queryable and
 * its judgements are kept).
 */
export async function knownFeedbackTopic(deps: ServiceDeps, topic: string): Promise<boolean> {
  if (deps.config.topics.some((candidate) => candidate.id === topic)) return true;
  if ((await deps.store.feedback.list({ topic, limit: 1 })).items.length > 0) return true;
  return (await deps.store.alerts.list({ topics: [topic], limit: 1 })).items.length > 0;
}

export async function listFeedback(
  deps: ServiceDeps,
  query: { topic?: string; limit: number; cursor?: string | null },
): Promise<{ items: Feedback[]; nextCursor: string | null }> {
  const page = await deps.store.feedback.list(query);
  return {
    items: page.items.map((item) => (item.type === 'judgement' ? judgementView(item) : missedView(item))),
    nextCursor: page.nextCursor,
  };
}

/** Quality of a topic (null when the topic is unknown). */
export async function qualityOf(deps: ServiceDeps, topic: string): Promise<TopicQuality | null> {
  const { judgements, missed } = await deps.store.feedback.all(topic);
  if (judgements.length === 0 && missed.length === 0 && !(await knownFeedbackTopic(deps, topic))) {
    return null;
  }
  return topicQuality(topic, judgements, missed);
}

/** `judged` of each alert, in the alert's topic order; alerts never judged are absent. */
export async function judgedOf(
  deps: ServiceDeps,
  alerts: readonly Alert[],
): Promise<Map<string, { topic: string; relevant: boolean }[]>> {
  const standing = await deps.store.feedback.judgementsOf(alerts);
  const judged = new Map<string, { topic: string; relevant: boolean }[]>();
  for (const alert of alerts) {
    const mine = standing.get(alert.id);
    if (!mine || mine.length === 0) continue;
    const order = (topic: string) => alert.topics.indexOf(topic);
    judged.set(
      alert.id,
      [...mine]
        .sort((a, b) => order(a.topic) - order(b.topic))
        .map(({ topic, relevant }) => ({ topic, relevant })),
    );
  }
  return judged;
}

/** The topics each alert has been judged not relevant for (alerts with none are absent). */
export async function notRelevantTopics(
  deps: ServiceDeps,
  alerts: readonly Pick<Alert, 'id' | 'topics'>[],
): Promise<Map<string, Set<string>>> {
  const standing = await deps.store.feedback.judgementsOf(alerts);
  const out = new Map<string, Set<string>>();
  for (const [alertId, judgements] of standing) {
    const topics = new Set(judgements.filter((j) => !j.relevant).map((j) => j.topic));
    if (topics.size > 0) out.set(alertId, topics);
  }
  return out;
}
