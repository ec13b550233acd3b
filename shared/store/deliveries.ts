/**
 * @module Delivery claims (DeliveryRepo, docs/contract.md §7): a conditional put claims (subscriber, alert)
 * before sending, the SES message id marks it sent after. An unsent claim older than the caller's
 * `staleBefore` (a crash between SES accepting and the record) may be claimed again.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRepo } from '../domain/ports.ts';
import type { Delivery, DigestWatermark } from '../domain/types.ts';
import {
  batchGet,
  batchWrite,
  conditionalWrite,
  isConditionalFailure,
  putRequest,
  queryAll,
  type TableContext,
} from './batch.ts';
import {
  DELIVERY_PREFIX,
  deliveryKey,
  instantKey,
  SCHEMA_VERSION,
  subscriberKey,
  watermarkKey,
} from './keys.ts';
import { deliverySchema, parseStored, watermarkSchema } from './schemas.ts';

const parse = (item: Record<string, unknown>): Delivery => parseStored(deliverySchema, item, 'delivery');

export function createDeliveryRepo(ctx: TableContext): DeliveryRepo {
  const deliveredMany: DeliveryRepo['deliveredMany'] = async (requests, staleBefore) => {
    const raw = await batchGet(
      ctx,
      requests.flatMap(({ email, alertIds }) => alertIds.map((id) => deliveryKey(email, id))),
    );
    const threshold = staleBefore === undefined ? null : instantKey(staleBefore);
    const done = new Map<string, Set<string>>(requests.map(({ email }) => [email, new Set<string>()]));
    for (const item of raw) {
      const delivery = parse(item);
      const live = threshold === null || instantKey(delivery.claimedAt) >= threshold;
      if (delivery.messageId !== null || live) done.get(delivery.email)?.add(delivery.alertId);
    }
    return done;
  };

  return {
    /**
     * Sent records always count. Unsent claims count while live: claimed at or after
     * `staleBefore`, or always when it is not given (never risk a double send by default).
     */
    async delivered(email, alertIds, staleBefore) {
      return (await deliveredMany([{ email, alertIds }], staleBefore)).get(email) ?? new Set();
    },

    deliveredMany,

    async claim(email, alertId, claimedAt, staleBefore) {
      return conditionalWrite(
        ctx.client.send(
          new PutCommand({
            TableName: ctx.tableName,
            // messageId/sentAt stay absent until sent, which is what the condition tests.
            Item: {
              email,
              alertId,
              claimedAt: instantKey(claimedAt),
              ...deliveryKey(email, alertId),
              entity: 'delivery',
              v: SCHEMA_VERSION,
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR (attribute_not_exists(messageId) AND claimedAt < :staleBefore)',
            ExpressionAttributeValues: { ':staleBefore': instantKey(staleBefore) },
          }),
        ),
      );
    },

    async markSent(email, alertIds, messageId, sentAt, claimedAt) {
      // Unconditional, and batched (25 a request, unprocessed items retried): once SES accepted
      // the message, the record must say so even if the claim was lost, or the alert would be
      // sent again.
      await batchWrite(
        ctx,
        alertIds.map((alertId) =>
          putRequest({
            email,
            alertId,
            claimedAt: instantKey(claimedAt ?? sentAt),
            messageId,
            sentAt,
            ...deliveryKey(email, alertId),
            entity: 'delivery',
            v: SCHEMA_VERSION,
          }),
        ),
      );
    },

    async release(email, alertIds, claimedAt) {
      await Promise.all(
        alertIds.map(async (alertId) => {
          try {
            await ctx.client.send(
              new DeleteCommand({
                TableName: ctx.tableName,
                Key: deliveryKey(email, alertId),
                // Only our own unsent claim: a newer claimant or a sent record stays.
                ConditionExpression: 'attribute_not_exists(messageId) AND claimedAt = :claimedAt',
                ExpressionAttributeValues: { ':claimedAt': instantKey(claimedAt) },
              }),
            );
          } catch (error) {
            if (!isConditionalFailure(error)) throw error;
          }
        }),
      );
    },

    async list(email) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': subscriberKey(email).pk, ':prefix': DELIVERY_PREFIX },
      });
      return items.map(parse);
    },

    async watermark(email) {
      const out = await ctx.client.send(
        new GetCommand({ TableName: ctx.tableName, Key: watermarkKey(email) }),
      );
      return out.Item ? parseStored(watermarkSchema, out.Item, 'watermark') : null;
    },

    async watermarks(emails) {
      const raw = await batchGet(ctx, emails.map(watermarkKey));
      const out = new Map<string, DigestWatermark>();
      for (const item of raw) {
        out.set(String(item.pk).slice('SUB#'.length), parseStored(watermarkSchema, item, 'watermark'));
      }
      return out;
    },

    async setWatermarks(entries) {
      await batchWrite(
        ctx,
        entries.map(({ email, watermark }) =>
          putRequest({ ...watermark, ...watermarkKey(email), entity: 'watermark', v: SCHEMA_VERSION }),
        ),
      );
    },

    async setWatermark(email, watermark) {
      await ctx.client.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: { ...watermark, ...watermarkKey(email), entity: 'watermark', v: SCHEMA_VERSION },
        }),
      );
    },
  };
}
