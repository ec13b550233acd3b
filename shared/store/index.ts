/**
 * @module The DynamoDB single-table store: `createDynamoStore` assembles one repository per
 * entity over a document client. Works unchanged on AWS and on dynalite.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../domain/ports.ts';
import { createAlertRepo } from './alerts.ts';
import { createDeliveryRepo } from './deliveries.ts';
import { createFactsheetRepo } from './factsheets.ts';
import { createFeedbackRepo } from './feedback.ts';
import { createItemRepo } from './items.ts';
import { createLegislationRepo } from './legislation.ts';
import { createMailQueueRepo } from './mail-queue.ts';
import { createRateLimitRepo } from './rate-limits.ts';
import { createSourceStateRepo } from './sources.ts';
import { createSubscriberRepo } from './subscribers.ts';

export { createDocumentClient, ensureTable, type StoreTransport } from './client.ts';
export { InvalidCursorError } from './cursor.ts';

export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export function createDynamoStore({ client, tableName }: DynamoStoreOptions): Store {
  const ctx = { client, tableName };
  return {
    sources: createSourceStateRepo(ctx),
    items: createItemRepo(ctx),
    alerts: createAlertRepo(ctx),
    factsheets: createFactsheetRepo(ctx),
    legislation: createLegislationRepo(ctx),
    subscribers: createSubscriberRepo(ctx),
    deliveries: createDeliveryRepo(ctx),
    rateLimits: createRateLimitRepo(ctx),
    feedback: createFeedbackRepo(ctx),
    mailQueue: createMailQueueRepo(ctx),
    async ping() {
      const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (out.Table?.TableStatus !== 'ACTIVE') {
        throw new Error(`table ${tableName} is ${out.Table?.TableStatus ?? 'missing'}`);
      }
    },
  };
}
