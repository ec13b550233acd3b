/**
 * @module `evaluate --from-feedback`: the staff judgements and missed items as labelled examples,
 * matched against the CURRENT topic queries, scored per topic. The evaluator is the stand-in of
 * shared/domain/feedback-evaluation.ts (to be replaced by the shared `evaluateExamples`).
 */
import { type Evaluation, evaluateExamples } from '../../shared/domain/feedback-evaluation.ts';
import { feedbackExamples } from '../../shared/services/feedback-examples.ts';
import { openServiceDeps } from '../deps.ts';
import { type CommandContext, requireConfig } from './commands.ts';
import { table } from './report.ts';

export async function runEvaluateFeedbackCommand(context: CommandContext): Promise<number> {
  const { config } = await requireConfig(context);
  const runtime = await openServiceDeps({ env: context.env, config, quiet: true });
  try {
    const examples = await feedbackExamples(runtime.deps.store);
    const evaluation = evaluateExamples(config.topics, examples);
    context.out.stdout(
      context.json ? `${JSON.stringify(evaluation)}\n` : evaluationText(evaluation, examples.length),
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

const figure = (value: number | null) => (value === null ? '-' : value.toFixed(2));

export function evaluationText(evaluation: Evaluation, examples: number): string {
  const rows = evaluation.topics.map((topic) => [
    topic.id,
    String(topic.tp),
    String(topic.fp),
    String(topic.fn),
    figure(topic.precision),
    figure(topic.recall),
    figure(topic.f1),
  ]);
  const lines = [
    `${examples} example(s) from staff feedback, matched against the current queries`,
    '',
    table(['topic', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1'], rows),
  ];
  if (evaluation.falsePositives.length > 0) {
    lines.push('', 'False positives (matched, judged not relevant):');
    for (const fp of evaluation.falsePositives) {
      lines.push(`  ${fp.topic}  ${fp.title}  [${fp.terms.join(', ')}]`);
    }
  }
  if (evaluation.falseNegatives.length > 0) {
    lines.push('', 'False negatives (relevant or reported missed, not matched):');
    for (const fn of evaluation.falseNegatives) lines.push(`  ${fn.topic}  ${fn.title}`);
  }
  return `${lines.join('\n')}\n`;
}
