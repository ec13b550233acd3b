/**
 * @module Lambda (EventBridge Scheduler, every 15 minutes): polls the due sources. A few are
 * polled here; more are fanned out, one SQS message per source, to `worker.ts`, so this
 * function never has to fit every source inside its time limit.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { allSources } from '../shared/services/cited-sources.ts';
import { runDigest } from '../shared/services/digest.ts';
import { dueSources, prepareListings, runPollCycle } from '../shared/services/poll.ts';
import { checkEvent, rejectEvent, ScheduleEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

const SQS_BATCH = 10;
let sqs: SQSClient | undefined;

export async function handler(event: unknown) {
  const checked = checkEvent('poll', ScheduleEvent, event);
  const { deps, pollQueueUrl } = await lambdaDeps();
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  await prepareListings(deps);
  const due = dueSources((await allSources(deps)).sources, await deps.store.sources.list(), deps.clock.now());
  if (due.length === 0) return { queued: 0, polled: 0, alerts: 0 };
  if (pollQueueUrl && due.length > deps.config.polling.concurrency) {
    sqs ??= new SQSClient({});
    for (let start = 0; start < due.length; start += SQS_BATCH) {
      const batch = due.slice(start, start + SQS_BATCH);
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pollQueueUrl,
          Entries: batch.map((source, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({ sourceId: source.id }),
          })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS refused ${out.Failed.length} poll message(s)`);
    }
    deps.logger.log('info', 'poll fanned out', { sources: due.length });
    return { queued: due.length, polled: 0, alerts: 0 };
  }
  const report = await runPollCycle(deps, { sourceIds: due.map((source) => source.id) });
  if (report.alerts.length > 0) await runDigest(deps, { frequency: 'immediate' });
  return { queued: 0, polled: report.sources.length, alerts: report.alerts.length };
}
