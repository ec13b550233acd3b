/**
 * @module `policy-watch evaluate`: scores the configured topic queries on labelled examples
 * (see docs/contract.md, Evaluating queries). Loading examples lives in `loadExamples`, the one
 * place an origin of examples plugs in: a label file (`--labels`), or the staff feedback in the
 * store (`--from-feedback`, loaded by `feedbackExamples`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';
import { type Config, formatPath } from '../../shared/config/schema.ts';
import {
  type EvaluationReport,
  evaluateExamples,
  type LabelledExample,
} from '../../shared/domain/evaluate.ts';
import { feedbackExamples } from '../../shared/services/feedback-examples.ts';
import { readFailure } from '../config-file.ts';
import { openServiceDeps } from './command-deps.ts';
import type { CommandContext } from './commands.ts';
import { requireConfig } from './commands.ts';
import { CliError } from './output.ts';

/** Where the examples come from. */
export type ExampleSource = { kind: 'file'; path: string } | { kind: 'feedback' };

const ExampleSchema = z
  .object({
    title: z.string().min(1, 'needs a title'),
    summary: z.string().optional(),
    url: z.string().optional(),
    source: z.string().optional(),
    labels: z.array(z.string()),
    scope: z.array(z.string()).optional(),
  })
  .strict();

interface LabelError {
  path: string;
  message: string;
}

/** Validates a label file's parsed JSON against the config; every problem is reported. */
export function parseLabelFile(raw: unknown, config: Pick<Config, 'topics' | 'sources'>) {
  if (!Array.isArray(raw)) {
    return { ok: false as const, errors: [{ path: '(file)', message: 'expected a JSON array of examples' }] };
  }
  const topics = new Set(config.topics.map((topic) => topic.id));
  const sources = new Set(config.sources.map((source) => source.id));
  const errors: LabelError[] = [];
  const examples: LabelledExample[] = [];
  raw.forEach((value, index) => {
    const parsed = ExampleSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          path: `[${index}]${formatPath(issue.path) ? `.${formatPath(issue.path)}` : ''}`,
          message: issue.message,
        });
      }
      return;
    }
    const example = parsed.data;
    for (const field of ['labels', 'scope'] as const) {
      (example[field] ?? []).forEach((id, at) => {
        if (!topics.has(id))
          errors.push({ path: `[${index}].${field}[${at}]`, message: `unknown topic "${id}"` });
      });
    }
    if (example.source !== undefined && !sources.has(example.source)) {
      errors.push({ path: `[${index}].source`, message: `unknown source "${example.source}"` });
    }
    examples.push(example);
  });
  return errors.length > 0 ? { ok: false as const, errors } : { ok: true as const, examples };
}

/** The examples to evaluate: the one place a new origin of examples is added. */
export async function loadExamples(
  source: ExampleSource,
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LabelledExample[]> {
  if (source.kind === 'feedback') {
    // Staff feedback is not validated like a label file: judgements on removed topics are kept,
    // and a topic no longer configured is simply not scored.
    const runtime = await openServiceDeps({ env, config, quiet: true });
    try {
      return await feedbackExamples(runtime.deps.store);
    } finally {
      await runtime.close();
    }
  }
  const path = resolve(source.path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError('invalid_labels', `cannot read label file ${path}: ${readFailure(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError('invalid_labels', `label file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = parseLabelFile(raw, config);
  if (!result.ok) {
    const n = result.errors.length;
    throw new CliError(
      'invalid_labels',
      `invalid label file ${path} (${n} error${n === 1 ? '' : 's'})`,
      result.errors,
    );
  }
  return result.examples;
}

export async function runEvaluateCommand(
  context: CommandContext & { source: ExampleSource },
): Promise<number> {
  const { config } = await requireConfig(context);
  const examples = await loadExamples(context.source, config, context.env);
  context.started?.();
  const report = evaluateExamples(config, examples);
  context.out.stdout(context.json ? `${JSON.stringify(report)}\n` : evaluationText(report, examples.length));
  return 0;
}

const shown = (value: number | null) => (value === null ? '  -  ' : value.toFixed(3));

/** The human report: a table per topic, then every false positive and false negative. */
export function evaluationText(report: EvaluationReport, examples: number): string {
  const width = Math.max(5, ...report.topics.map((topic) => topic.id.length));
  const lines = [
    `${examples} example${examples === 1 ? '' : 's'}`,
    `${'topic'.padEnd(width)}   tp   fp   fn  precision  recall     f1`,
    ...report.topics.map(
      (t) =>
        `${t.id.padEnd(width)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}      ${shown(t.precision)}   ${shown(t.recall)}  ${shown(t.f1)}`,
    ),
    '',
    `False positives (${report.falsePositives.length}):`,
    ...report.falsePositives.map((fp) => `  ${fp.topic}: ${fp.title}  [matched: ${fp.terms.join(', ')}]`),
    '',
    `False negatives (${report.falseNegatives.length}):`,
    ...report.falseNegatives.map((fn) => `  ${fn.topic}: ${fn.title}`),
  ];
  return `${lines.join('\n')}\n`;
}
