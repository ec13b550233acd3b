/**
 * @module Matching throughput: the shipped topics over 2,000 items (200 with --quick) built from
 * the labelled set.
 * Rows compare compiling the queries once per cycle (what the poll service does) with compiling
 * them for every item, and sharing one text index per item across topics with building one per
 * (item, topic).
 */
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../shared/config/schema.ts';
import { compileTopics, type MatchInput, matchQuery } from '../shared/domain/match.ts';
import { parseQuery } from '../shared/domain/query.ts';
import type { BenchOptions, BenchRow } from './run.ts';

interface Labelled {
  sourceId: string;
  key: string;
  title: string;
  url: string;
  summary: string;
  content: string;
  links: string[];
  diff?: MatchInput['diff'];
}

const FILLER =
  'The department has published guidance for local authorities, voluntary organisations and other partners ' +
  'on how the new arrangements will apply from next year, including transitional provisions, funding ' +
  'allocations and the duties of relevant bodies to consult residents before making changes to services.';

function loadInputs(count: number): MatchInput[] {
  const { items } = JSON.parse(
    readFileSync(new URL('../tests/fixtures/labelled/items.json', import.meta.url), 'utf8'),
  ) as { items: Labelled[] };
  return Array.from({ length: count }, (_, index) => {
    const source = items[index % items.length]!;
    return {
      sourceId: source.sourceId,
      item: {
        key: `${source.key}#${index}`,
        title: source.title,
        url: source.url,
        summary: `${source.summary} Reference ${index}.`,
        content: `${source.content}\n${FILLER}`,
        publishedAt: null,
        updatedAt: null,
        links: source.links,
      },
      ...(source.diff ? { diff: source.diff } : {}),
    };
  });
}

function loadTopics(count: number): { id: string; query: string }[] {
  const parsed = parseConfigText(readFileSync(new URL('../config/watch.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('config/watch.json is invalid');
  const shipped = parsed.config.topics;
  return Array.from({ length: count }, (_, index) => {
    const topic = shipped[index % shipped.length]!;
    return { id: `${topic.id}-${index}`, query: topic.query };
  });
}

/** Items per second of `run`, best of `rounds` after a warm-up (JIT, stem memo). */
function throughput(items: number, run: () => void, rounds: number): number {
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return items / (best / 1000);
}

function row(name: string, baseline: number, measured: number): BenchRow {
  return { name, baseline, measured, ratio: measured / baseline, unit: 'items/s' };
}

export async function benchMatch(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 200 : 2_000;
  const rounds = options.quick ? 1 : 3;
  const label = count.toLocaleString('en-GB');
  const inputs = loadInputs(count);
  const rows: BenchRow[] = [];
  let sink = 0;
  for (const topicCount of [5, 50]) {
    const topics = loadTopics(topicCount);
    const once = throughput(
      inputs.length,
      () => {
        const matcher = compileTopics(topics);
        for (const input of inputs) sink += matcher.match(input).length;
      },
      rounds,
    );
    // Compiling per item is the slow baseline (milliseconds per compile with the shipped
    // queries): a slice keeps it to seconds; both sides are items per second.
    const slice = inputs.slice(0, count / 20);
    const perItem = throughput(
      slice.length,
      () => {
        for (const input of slice) sink += compileTopics(topics).match(input).length;
      },
      rounds,
    );
    rows.push(row(`match ${label} items x ${topicCount} topics: compile once vs per item`, perItem, once));
    const nodes = topics.map((topic) => parseQuery(topic.query));
    const indexPerTopic = throughput(
      inputs.length,
      () => {
        for (const input of inputs) for (const node of nodes) sink += matchQuery(node, input)?.length ?? 0;
      },
      rounds,
    );
    rows.push(
      row(
        `match ${label} items x ${topicCount} topics: one index per item vs per topic`,
        indexPerTopic,
        once,
      ),
    );
  }
  if (sink < 0) throw new Error('unreachable');
  return rows;
}
