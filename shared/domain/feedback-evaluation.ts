/**
 * @module Stand-in evaluator for `evaluate --from-feedback`: matches labelled examples against
 * the current topic queries as a poll would match a feed item, and scores each topic. It has the
 * shape of the shared `evaluateExamples` (shared/domain/evaluate.ts, built alongside `evaluate
 * --labels`); when both are merged this file goes and its one caller imports that instead. Pure.
 */
import type { TopicConfig } from '../config.ts';
import { compileTopics } from './match.ts';
import type { ParsedItem } from './types.ts';

/** One labelled example; `scope`: it counts only for those topic ids (absent: every topic). */
export interface LabelledExample {
  title: string;
  summary?: string;
  url?: string;
  source?: string;
  labels: string[];
  scope?: string[];
}

export interface TopicScore {
  id: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface Evaluation {
  topics: TopicScore[];
  falsePositives: { title: string; topic: string; terms: string[] }[];
  falseNegatives: { title: string; topic: string }[];
}

function asItem(example: LabelledExample): ParsedItem {
  return {
    key: example.url ?? example.title,
    title: example.title,
    url: example.url ?? '',
    summary: example.summary ?? '',
    content: '',
    publishedAt: null,
    updatedAt: null,
    links: example.url ? [example.url] : [],
  };
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

export function evaluateExamples(
  topics: readonly Pick<TopicConfig, 'id' | 'query'>[],
  examples: readonly LabelledExample[],
): Evaluation {
  const matcher = compileTopics(topics);
  const scores = new Map(topics.map((topic) => [topic.id, { tp: 0, fp: 0, fn: 0 }]));
  const result: Evaluation = { topics: [], falsePositives: [], falseNegatives: [] };
  for (const example of examples) {
    const matched = new Map(
      matcher
        .match({ sourceId: example.source ?? '', item: asItem(example) })
        .map((match) => [match.topic, match.terms]),
    );
    for (const topic of topics) {
      if (example.scope && !example.scope.includes(topic.id)) continue;
      const score = scores.get(topic.id)!;
      const terms = matched.get(topic.id);
      const labelled = example.labels.includes(topic.id);
      if (terms && labelled) score.tp++;
      else if (terms) {
        score.fp++;
        result.falsePositives.push({ title: example.title, topic: topic.id, terms });
      } else if (labelled) {
        score.fn++;
        result.falseNegatives.push({ title: example.title, topic: topic.id });
      }
    }
  }
  for (const topic of topics) {
    const { tp, fp, fn } = scores.get(topic.id)!;
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    const f1 =
      precision === null || recall === null || precision + recall === 0
        ? null
        : (2 * precision * recall) / (precision + recall);
    result.topics.push({ id: topic.id, tp, fp, fn, precision, recall, f1 });
  }
  return result;
}
