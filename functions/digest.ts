/**
 * @module Lambda (EventBridge Scheduler at the config crons in `digests.timezone`): sends one
 * frequency's digests. The frequency comes in the schedule's input (`{"frequency":"daily"}`),
 * or in `detail` for an EventBridge rule's scheduled event.
 */
import * as z from 'zod';
import { FREQUENCIES } from '../shared/domain/vocabulary.ts';
import { runDigest } from '../shared/services/digest.ts';
import { checkEvent, rejectEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

const Frequency = z.enum(FREQUENCIES);
const DigestEvent = z.union([
  z.object({ frequency: Frequency }),
  z.object({ detail: z.object({ frequency: Frequency }) }).transform((event) => event.detail),
]);

export async function handler(event: unknown) {
  const checked = checkEvent('digest', DigestEvent, event);
  const { deps } = await lambdaDeps();
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  return runDigest(deps, { frequency: checked.event.frequency });
}
