import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '#shared/config/schema.ts';
import { evaluateExamples, type LabelledExample } from '#shared/domain/evaluate.ts';
import { compileTopics, type MatchInput } from '#shared/domain/match.ts';
import type { ParsedItem } from '#shared/domain/types.ts';

interface LabelledItem extends Omit<ParsedItem, 'publishedAt' | 'updatedAt'> {
  id: string;
  sourceId: string;
  kind: string;
  diff?: MatchInput['diff'];
  topics: string[];
  /** Written after the queries were last tuned: an honest estimate of unseen items. */
  heldOut?: boolean;
}

const FLOOR = { precision: 0.95, recall: 0.9 };

const parsed = parseConfigText(readFileSync(new URL('../../../config/watch.json', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error(`shipped config invalid: ${JSON.stringify(parsed.errors)}`);
const config = parsed.config;
const labelled = JSON.parse(
  readFileSync(new URL('../../fixtures/labelled/items.json', import.meta.url), 'utf8'),
) as { items: LabelledItem[] };

function examples(name: string): LabelledExample[] {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/labelled/${name}`, import.meta.url), 'utf8'),
  ) as LabelledExample[];
}
/** Tuning part in the `evaluate` format (may be tuned on and extended). */
const tuning = evaluateExamples(config, examples('tuning.json'));
/** Held-out part: written before the queries of issue 12 and never tuned on; printed, not asserted. */
const heldOutPart = evaluateExamples(config, examples('held-out.json'));
/** Blind held-out part: written by a separate session that never saw the queries; printed, not asserted. */
const blindPart = evaluateExamples(config, examples('held-out-2.json'));
/** Second blind held-out part (wider styles); printed, not asserted. */
const blindPart3 = evaluateExamples(config, examples('held-out-3.json'));

function toInput(entry: LabelledItem): MatchInput {
  const { id: _id, sourceId, kind: _kind, diff, topics: _topics, ...item } = entry;
  return { sourceId, item: { ...item, publishedAt: null, updatedAt: null }, ...(diff ? { diff } : {}) };
}

const matcher = compileTopics(config.topics);
const predicted = new Map(
  labelled.items.map((entry) => [
    entry.id,
    new Set(matcher.match(toInput(entry)).map((match) => match.topic)),
  ]),
);

function score(entries: readonly LabelledItem[]) {
  return config.topics.map((topic) => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    const mistakes: string[] = [];
    for (const entry of entries) {
      const want = entry.topics.includes(topic.id);
      const got = predicted.get(entry.id)!.has(topic.id);
      if (want && got) truePositives++;
      else if (got) {
        falsePositives++;
        mistakes.push(`FP ${entry.id}`);
      } else if (want) {
        falseNegatives++;
        mistakes.push(`FN ${entry.id}`);
      }
    }
    const precision = truePositives / Math.max(1, truePositives + falsePositives);
    const recall = truePositives / Math.max(1, truePositives + falseNegatives);
    return { topic: topic.id, positives: truePositives + falseNegatives, precision, recall, mistakes };
  });
}

function print(label: string, rows: ReturnType<typeof score>): void {
  console.log(label);
  for (const row of rows) {
    const mistakes = row.mistakes.length > 0 ? `  (${row.mistakes.join(', ')})` : '';
    console.log(
      `  ${row.topic.padEnd(26)} positives ${String(row.positives).padStart(3)}  precision ${row.precision.toFixed(3)}  recall ${row.recall.toFixed(3)}${mistakes}`,
    );
  }
}

const scores = score(labelled.items);
const heldOut = labelled.items.filter((entry) => entry.heldOut);

describe('shipped topic queries on the labelled set', () => {
  it('has a labelled set large enough to mean something', () => {
    expect(labelled.items.length).toBeGreaterThanOrEqual(60);
    expect(labelled.items.filter((entry) => entry.topics.length === 0).length).toBeGreaterThanOrEqual(15);
    const known = new Set(config.topics.map((topic) => topic.id));
    for (const entry of labelled.items) for (const topic of entry.topics) expect(known).toContain(topic);
  });

  it('prints precision and recall per topic (items.json, tuning.json, held-out.json, held-out-2.json, held-out-3.json)', () => {
    print(`all ${labelled.items.length} items`, scores);
    print(`items.json: ${heldOut.length} items once held out (tuned on since)`, score(heldOut));
    expect(scores).toHaveLength(5);
    for (const [label, report] of [
      ['tuning.json', tuning],
      ['held-out.json (never tuned on)', heldOutPart],
      ['held-out-2.json (written blind, never tuned on)', blindPart],
      ['held-out-3.json (written blind, never tuned on)', blindPart3],
    ] as const) {
      console.log(label);
      for (const row of report.topics) {
        console.log(
          `  ${row.id.padEnd(26)} precision ${row.precision?.toFixed(3)}  recall ${row.recall?.toFixed(3)}`,
        );
      }
    }
  });

  it.each(tuning.topics.map((row) => [row.id, row] as const))(
    '%s meets the floors on tuning.json',
    (_topic, row) => {
      expect(row.tp + row.fn).toBeGreaterThanOrEqual(5);
      expect(row.precision).toBeGreaterThanOrEqual(FLOOR.precision);
      expect(row.recall).toBeGreaterThanOrEqual(FLOOR.recall);
    },
  );

  it.each(scores.map((row) => [row.topic, row] as const))('%s meets the floors', (_topic, row) => {
    expect(row.positives).toBeGreaterThanOrEqual(5);
    expect(row.precision).toBeGreaterThanOrEqual(FLOOR.precision);
    expect(row.recall).toBeGreaterThanOrEqual(FLOOR.recall);
  });
});
