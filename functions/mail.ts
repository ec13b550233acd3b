/**
 * @module Lambda (EventBridge Scheduler, every minute): drains the outbox queue, sending the
 * confirmations, staff notices and source escalations that requests and polls queued, and the
 * retries that came due. Claims make concurrent drains safe.
 */
import { drainMailQueue } from '../shared/services/mail-queue.ts';
import { lambdaDeps } from './lambda-wiring.ts';

export async function handler(_event: unknown) {
  const { deps } = await lambdaDeps();
  return drainMailQueue(deps);
}
