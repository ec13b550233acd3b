/**
 * @module Staff feedback as labelled examples (`evaluate --from-feedback`), so a query change is
 * measured against what staff said before it is deployed.
 *
 * - One example per standing judgement: the alert's title, summary, url and source; labelled with
 *   the topic when judged relevant, with nothing when not. Scope: that topic alone, since a
 *   judgement says nothing about the alert's other topics (they have judgements of their own).
 * - One example per missed item: its title, url and summary, no source (it came from none of
 *   ours); labelled with its topics and scoped to them: staff said it belongs there, not that it
 *   belongs nowhere else, so matching some other topic is no false positive.
 * Examples keep only those fields, so a term that matched only an alert's legislation effect or
 * page diff does not match its example; judgements on removed topics are loaded but a topic no
 * longer configured is not evaluated. An alert gone from the store yields no example.
 */
import type { LabelledExample } from '../domain/evaluate.ts';
import type { Store } from '../domain/ports.ts';

/** Alerts read at once. */
const READS_AT_ONCE = 25;

export async function feedbackExamples(store: Store): Promise<LabelledExample[]> {
  const { judgements, missed } = await store.feedback.all();
  const alertIds = [...new Set(judgements.map((judgement) => judgement.alertId))];
  const alerts = new Map<string, Awaited<ReturnType<Store['alerts']['get']>>>();
  for (let i = 0; i < alertIds.length; i += READS_AT_ONCE) {
    const chunk = alertIds.slice(i, i + READS_AT_ONCE);
    const found = await Promise.all(chunk.map((id) => store.alerts.get(id)));
    for (const [index, id] of chunk.entries()) alerts.set(id, found[index] ?? null);
  }
  const examples: LabelledExample[] = [];
  // Oldest first, so the output is stable as feedback grows.
  for (const judgement of [...judgements].reverse()) {
    const alert = alerts.get(judgement.alertId);
    if (!alert) continue;
    examples.push({
      title: alert.title,
      summary: alert.summary,
      url: alert.url,
      source: alert.source.id,
      labels: judgement.relevant ? [judgement.topic] : [],
      scope: [judgement.topic],
    });
  }
  for (const item of [...missed].reverse()) {
    examples.push({
      title: item.title,
      ...(item.summary === undefined ? {} : { summary: item.summary }),
      url: item.url,
      labels: [...item.topics],
      scope: [...item.topics],
    });
  }
  return examples;
}
