/**
 * @module The SQS poll queue with its client: the module `poll.ts` loads on the first fan-out.
 * The SDK is imported statically for the reason given in `ses-transport.ts` (a split bundle hands
 * a dynamic `import()` of a CommonJS package only its `default` export).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { PollQueue } from '../shared/domain/ports.ts';
import { SqsPollQueue } from '../shared/queue/sqs-poll-queue.ts';

export function sqsPollQueue(queueUrl: string): PollQueue {
  return new SqsPollQueue(new SQSClient({}), queueUrl);
}
