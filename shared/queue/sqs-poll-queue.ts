/**
 * @module The SQS implementation of the `PollQueue` port: one message per source,
 * `{"sourceId": …}`, sent in batches of ten (SQS's limit); the worker Lambda reads them.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PollQueue } from '../domain/ports.ts';

const SQS_BATCH = 10;

export class SqsPollQueue implements PollQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(sourceIds: readonly string[]): Promise<void> {
    for (let start = 0; start < sourceIds.length; start += SQS_BATCH) {
      const batch = sourceIds.slice(start, start + SQS_BATCH);
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((sourceId, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({ sourceId }),
          })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS refused ${out.Failed.length} poll message(s)`);
    }
  }
}
