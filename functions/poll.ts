/**
 * @module Lambda (EventBridge Scheduler, every 15 minutes): polls the due sources. A few are
 * polled here; more are fanned out through the poll queue (SQS), one message per source, to
 * `worker.ts`, so this function never has to fit every source inside its time limit.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { PollQueue } from '../shared/domain/ports.ts';
import { SqsPollQueue } from '../shared/queue/sqs-poll-queue.ts';
import { runScheduledPoll } from '../shared/services/scheduled-poll.ts';
import { checkEvent, rejectEvent, ScheduleEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

let queue: PollQueue | undefined;

export async function handler(event: unknown) {
  const checked = checkEvent('poll', ScheduleEvent, event);
  const { deps, pollQueueUrl } = await lambdaDeps();
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  if (pollQueueUrl) queue ??= new SqsPollQueue(new SQSClient({}), pollQueueUrl);
  return runScheduledPoll(deps, queue ?? null);
}
