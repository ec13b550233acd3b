/**
 * @module Subscribers (SubscriberRepo), keyed by normalised address. Every write is a full put
 * that re-derives the gsi2 status+frequency key, so `listConfirmed` can never see a stale index.
 * Deleting a subscriber also sweeps its delivery records and claims (same partition).
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriberRepo } from '../domain/ports.ts';
import type { Subscriber } from '../domain/types.ts';
import {
  batchGet,
  batchWrite,
  conditionalWrite,
  deleteRequest,
  queryAll,
  type TableContext,
} from './batch.ts';
import {
  allSubscribersIndex,
  DELIVERY_PREFIX,
  deliveryClaimsKey,
  GSI1,
  GSI2,
  SCHEMA_VERSION,
  subscriberKey,
  subscribersByStatusIndex,
  watermarkKey,
} from './keys.ts';
import { parseStored, subscriberSchema } from './schemas.ts';

function toItem(subscriber: Subscriber): Record<string, unknown> {
  return {
    ...subscriber,
    ...subscriberKey(subscriber.email),
    ...allSubscribersIndex(subscriber.email),
    ...subscribersByStatusIndex(subscriber.status, subscriber.frequency, subscriber.email),
    entity: 'subscriber',
    v: SCHEMA_VERSION,
  };
}

const parse = (item: Record<string, unknown>) => parseStored(subscriberSchema, item, 'subscriber');

/**
 * Deletes every delivery record of an address, its claims and its watermark (also orphans left
 * by an interrupted delete).
 */
async function sweepDeliveries(ctx: TableContext, email: string): Promise<void> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': subscriberKey(email).pk, ':prefix': DELIVERY_PREFIX },
    ProjectionExpression: 'pk, sk',
  });
  await batchWrite(ctx, [
    ...items.map((item) => deleteRequest({ pk: String(item.pk), sk: String(item.sk) })),
    deleteRequest(watermarkKey(email)),
    deleteRequest(deliveryClaimsKey(email)),
  ]);
}

export function createSubscriberRepo(ctx: TableContext): SubscriberRepo {
  return {
    async get(email) {
      const out = await ctx.client.send(
        new GetCommand({ TableName: ctx.tableName, Key: subscriberKey(email) }),
      );
      return out.Item ? parse(out.Item) : null;
    },

    async getMany(emails) {
      const raw = await batchGet(ctx, emails.map(subscriberKey));
      return new Map(raw.map((item) => parse(item)).map((subscriber) => [subscriber.email, subscriber]));
    },

    async list() {
      const items = await queryAll(ctx, {
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': allSubscribersIndex('').gsi1pk },
      });
      return items.map(parse);
    },

    async listConfirmed(frequency) {
      const items = await queryAll(ctx, {
        IndexName: GSI2,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': subscribersByStatusIndex('confirmed', frequency, '').gsi2pk },
      });
      // GSIs are eventually consistent on AWS: re-check what the index claims.
      return items.map(parse).filter((s) => s.status === 'confirmed' && s.frequency === frequency);
    },

    async create(subscriber) {
      return conditionalWrite(
        ctx.client.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: toItem(subscriber),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async update(subscriber, expected) {
      return conditionalWrite(
        ctx.client.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: toItem(subscriber),
            ConditionExpression: '#version = :version AND updatedAt = :updatedAt',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': expected.version, ':updatedAt': expected.updatedAt },
          }),
        ),
      );
    },

    async put(subscriber) {
      await ctx.client.send(new PutCommand({ TableName: ctx.tableName, Item: toItem(subscriber) }));
    },

    async delete(email) {
      // The subscriber goes first: if we stop midway, leftover deliveries are harmless and the
      // next delete sweeps them; the reverse order could leave a subscriber who gets resent.
      const out = await ctx.client.send(
        new DeleteCommand({ TableName: ctx.tableName, Key: subscriberKey(email), ReturnValues: 'ALL_OLD' }),
      );
      await sweepDeliveries(ctx, email);
      return out.Attributes !== undefined;
    },
  };
}
