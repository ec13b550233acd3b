/**
 * @module Staff feedback on relevance: the judgement and missed-item documents the API returns,
 * and the quality figures of a topic computed from its standing feedback. Pure.
 */

/** A staff judgement of one alert for one of its topics; the latest per (alert, topic) stands. */
export interface Judgement {
  type: 'judgement';
  alertId: string;
  topic: string;
  relevant: boolean;
  note?: string;
  at: string;
}

/** A publication staff say the service should have caught. */
export interface MissedItem {
  type: 'missed';
  id: string;
  title: string;
  url: string;
  summary?: string;
  topics: string[];
  at: string;
}

export type Feedback = Judgement | MissedItem;

/**
 * A judgement as stored: the alert's matched terms for the topic are copied in when it is made
 * (alerts never change), so a topic's false terms need no alert reads.
 */
export interface StoredJudgement extends Judgement {
  terms: string[];
}

export interface TopicQuality {
  topic: string;
  judged: number;
  relevant: number;
  notRelevant: number;
  missed: number;
  /** relevant / judged; null when nothing is judged. */
  precision: number | null;
  /** relevant / (relevant + missed); null when both are 0. */
  recall: number | null;
  /** Terms behind the alerts judged not relevant, counted once per alert; most frequent first. */
  falseTerms: { term: string; count: number }[];
}

export const MAX_NOTE_LENGTH = 2000;
export const MAX_TITLE_LENGTH = 500;
export const MAX_SUMMARY_LENGTH = 2000;
export const MAX_URL_LENGTH = 2048;

/** Quality of one topic over its standing judgements and the missed items listing it. */
export function topicQuality(
  topic: string,
  judgements: readonly Pick<StoredJudgement, 'topic' | 'relevant' | 'terms'>[],
  missed: readonly Pick<MissedItem, 'topics'>[],
): TopicQuality {
  const mine = judgements.filter((judgement) => judgement.topic === topic);
  const relevant = mine.filter((judgement) => judgement.relevant).length;
  const notRelevant = mine.length - relevant;
  const missedCount = missed.filter((item) => item.topics.includes(topic)).length;
  const counts = new Map<string, number>();
  for (const judgement of mine) {
    if (judgement.relevant) continue;
    for (const term of new Set(judgement.terms)) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const falseTerms = [...counts.entries()]
    .map(([term, count]) => ({ term, count }))
    .sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  return {
    topic,
    judged: mine.length,
    relevant,
    notRelevant,
    missed: missedCount,
    precision: mine.length === 0 ? null : relevant / mine.length,
    recall: relevant + missedCount === 0 ? null : relevant / (relevant + missedCount),
    falseTerms,
  };
}

/** The public document of a stored judgement (the copied terms are internal). */
export function judgementView(judgement: StoredJudgement | Judgement): Judgement {
  const view: Judgement = {
    type: 'judgement',
    alertId: judgement.alertId,
    topic: judgement.topic,
    relevant: judgement.relevant,
    at: judgement.at,
  };
  if (judgement.note !== undefined) view.note = judgement.note;
  return view;
}

export function missedView(item: MissedItem): MissedItem {
  const view: MissedItem = {
    type: 'missed',
    id: item.id,
    title: item.title,
    url: item.url,
    topics: [...item.topics],
    at: item.at,
  };
  if (item.summary !== undefined) view.summary = item.summary;
  return view;
}
