/**
 * @module Evaluating topic queries against labelled examples (`policy-watch evaluate`, see
 * docs/contract.md, Evaluating queries). Each example is matched exactly as a poll would match an
 * item of its source: a feed-like item with the example's title, summary and link, or, for a
 * `page` source without `items`, a region change whose added lines are the example's title and
 * summary. Pure: the caller loads the config and the examples.
 */
import { type Config, type SourceConfig, sourceTitle } from '../config/schema.ts';
import { compileTopics, type MatchInput, type TopicMatcher } from './match.ts';

/** One judged publication: the topics it belongs to (`labels`), and optionally which topics it judges. */
export interface LabelledExample {
  title: string;
  summary?: string;
  url?: string;
  /** A configured source id: the example is matched as an item of that source. */
  source?: string;
  labels: string[];
  /** When present, the example counts only for these topic ids (e.g. a staff judgement on one topic). */
  scope?: string[];
}

export interface TopicScore {
  id: string;
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); null when the topic matched nothing. */
  precision: number | null;
  /** tp / (tp + fn); null when no example is labelled with the topic. */
  recall: number | null;
  /** Harmonic mean of precision and recall; null when either is null. */
  f1: number | null;
}

export interface EvaluationReport {
  topics: TopicScore[];
  falsePositives: { title: string; topic: string; terms: string[] }[];
  falseNegatives: { title: string; topic: string }[];
}

type EvaluatedConfig = Pick<Config, 'topics' | 'sources'>;

/** The match input a poll would build for this example (exported for tests). */
export function exampleInput(example: LabelledExample, source: SourceConfig | undefined): MatchInput {
  const url = example.url ?? '';
  const summary = example.summary ?? '';
  if (source?.kind === 'page' && !source.items) {
    const added = [example.title, summary].filter((line) => line !== '');
    return {
      sourceId: source.id,
      item: base(source.url, sourceTitle(source), '', added.join('\n'), []),
      diff: { added, removed: [] },
    };
  }
  return {
    sourceId: source?.id ?? '',
    item: base(url || `example:${example.title}`, example.title, summary, '', url ? [url] : [], url),
  };
}

function base(key: string, title: string, summary: string, content: string, links: string[], url = key) {
  return { key, title, url, summary, content, publishedAt: null, updatedAt: null, links };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Scores every configured topic on the examples; topics in config order, mistakes in example order. */
export function evaluateExamples(
  config: EvaluatedConfig,
  examples: readonly LabelledExample[],
  matcher: TopicMatcher = compileTopics(config.topics),
): EvaluationReport {
  const sources = new Map(config.sources.map((source) => [source.id, source]));
  const counts = new Map(config.topics.map((topic) => [topic.id, { tp: 0, fp: 0, fn: 0 }]));
  const falsePositives: EvaluationReport['falsePositives'] = [];
  const falseNegatives: EvaluationReport['falseNegatives'] = [];
  for (const example of examples) {
    const source = example.source === undefined ? undefined : sources.get(example.source);
    const found = new Map(matcher.match(exampleInput(example, source)).map((m) => [m.topic, m.terms]));
    const scope = example.scope ? new Set(example.scope) : null;
    for (const topic of config.topics) {
      if (scope && !scope.has(topic.id)) continue;
      const count = counts.get(topic.id)!;
      const wanted = example.labels.includes(topic.id);
      const terms = found.get(topic.id);
      if (terms && wanted) count.tp++;
      else if (terms) {
        count.fp++;
        falsePositives.push({ title: example.title, topic: topic.id, terms });
      } else if (wanted) {
        count.fn++;
        falseNegatives.push({ title: example.title, topic: topic.id });
      }
    }
  }
  const topics = config.topics.map(({ id }) => {
    const { tp, fp, fn } = counts.get(id)!;
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall === 0
          ? 0
          : round((2 * precision * recall) / (precision + recall));
    return { id, tp, fp, fn, precision, recall, f1 };
  });
  return { topics, falsePositives, falseNegatives };
}
