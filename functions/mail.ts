/**
 * @module Lambda (EventBridge Scheduler, every minute): drains the outbox queue, sending the
 * confirmations, staff notices and source escalations that requests and polls queued, and the
 * retries that came due. Claims make concurrent drains safe.
 */
import { drainMailQueue } from '../shared/services/mail-queue.ts';
import { lambdaRuntime } from './lambda-deps.ts';

export async function handler(_event: unknown) {
  const { deps } = await lambdaRuntime();
  return drainMailQueue(deps);
}
