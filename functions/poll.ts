/**
 * @module Lambda (EventBridge Scheduler, every 15 minutes): polls the due sources. A few are
 * polled here; more are fanned out through the poll queue (SQS), one message per source, to
 * `worker.ts`, so this function never has to fit every source inside its time limit.
 */
import type { PollQueue } from '../shared/domain/ports.ts';
import { runScheduledPoll } from '../shared/services/scheduled-poll.ts';
import { onceUntilFailure } from '../shared/system/once.ts';
import { checkEvent, rejectEvent, ScheduleEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

let queue: PollQueue | undefined;

/** The SQS poll queue, its client loaded on the first fan-out (few due sources never need it). */
function lazySqsQueue(queueUrl: string): PollQueue {
  const ready = onceUntilFailure(async () => (await import('./sqs-transport.ts')).sqsPollQueue(queueUrl));
  return { enqueue: async (sourceIds) => (await ready()).enqueue(sourceIds) };
}

export async function handler(event: unknown) {
  const checked = checkEvent('poll', ScheduleEvent, event);
  const { deps, pollQueueUrl } = await lambdaDeps();
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  if (pollQueueUrl) queue ??= lazySqsQueue(pollQueueUrl);
  return runScheduledPoll(deps, queue ?? null);
}
