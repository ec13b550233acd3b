/**
 * @module Lambda (EventBridge Scheduler, every minute): drains the outbox queue, sending the
 * confirmations, staff notices and source escalations that requests and polls queued, and the
 * retries that came due. Claims make concurrent drains safe.
 */
import { drainMailQueue } from '../shared/services/mail-queue.ts';
import { checkEvent, rejectEvent, ScheduleEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

export async function handler(event: unknown) {
  const checked = checkEvent('mail', ScheduleEvent, event);
  const { deps } = await lambdaDeps();
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  return drainMailQueue(deps);
}
