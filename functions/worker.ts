/**
 * @module Lambda (SQS, batch size 1, bounded concurrency): polls one fanned-out source, then
 * sends the immediate digest when it created alerts (sending is idempotent per subscriber and
 * alert, so concurrent workers never send one alert twice).
 */
import { runDigest } from '../shared/services/digest.ts';
import { pollSource, UnknownSourceError } from '../shared/services/poll.ts';
import { checkEvent, PollMessage, rejectEvent, SqsEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

export async function handler(event: unknown) {
  const checked = checkEvent('worker', SqsEvent, event);
  const { deps } = await lambdaDeps();
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  const batchItemFailures: { itemIdentifier: string }[] = [];
  let alerts = 0;
  for (const record of checked.event.Records) {
    try {
      const { sourceId } = PollMessage.parse(JSON.parse(record.body));
      const { alertIds } = await pollSource(deps, sourceId);
      alerts += alertIds.length;
    } catch (error) {
      // A source removed from the config since it was queued is dropped, not retried.
      if (error instanceof UnknownSourceError) continue;
      deps.logger.log('error', 'poll worker failed', { messageId: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  if (alerts > 0) await runDigest(deps, { frequency: 'immediate' });
  return { batchItemFailures };
}
