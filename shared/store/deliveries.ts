/**
 * @module Delivery records (DeliveryRepo, docs/contract.md §7, docs/architecture.md §3): an email's
 * alerts are claimed together, with one conditional write on the address's claims record, before
 * the send; the SES message id marks each (subscriber, alert) sent after it. A claim older than
 * the caller's `staleBefore` (a crash between SES accepting and the marks) no longer holds.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRepo, DeliveryState } from '../domain/ports.ts';
import type { Delivery, DeliveryClaim, DigestWatermark } from '../domain/types.ts';
import {
  batchGet,
  batchWrite,
  conditionalWrite,
  putRequest,
  queryAll,
  type RawItem,
  type TableContext,
} from './batch.ts';
import {
  DELIVERY_PREFIX,
  deliveryClaimsKey,
  deliveryKey,
  instantKey,
  SCHEMA_VERSION,
  subscriberKey,
  watermarkKey,
} from './keys.ts';
import { deliveryClaimsSchema, deliverySchema, parseStored, watermarkSchema } from './schemas.ts';

const parse = (item: Record<string, unknown>): Delivery => parseStored(deliverySchema, item, 'delivery');

/** What an address without records reads as. */
const emptyState = (): DeliveryState => ({ done: new Set(), held: new Set(), version: 0, claims: [] });

const parseClaims = (item: RawItem) => parseStored(deliveryClaimsSchema, item, 'delivery claims');

/** Releases retry this often when another claim keeps changing the record under them. */
const RELEASE_ATTEMPTS = 5;

export function createDeliveryRepo(ctx: TableContext): DeliveryRepo {
  const live = (claimedAt: string, threshold: string | null) =>
    threshold === null || instantKey(claimedAt) >= threshold;

  const deliveryStates: DeliveryRepo['deliveryStates'] = async (requests, staleBefore, options = {}) => {
    const raw = await batchGet(
      ctx,
      requests.flatMap(({ email, alertIds }) => [
        deliveryClaimsKey(email),
        ...alertIds.map((id) => deliveryKey(email, id)),
      ]),
      options,
    );
    const threshold = staleBefore === undefined ? null : instantKey(staleBefore);
    const states = new Map<string, DeliveryState>(requests.map(({ email }) => [email, emptyState()]));
    const asked = new Map(requests.map(({ email, alertIds }) => [email, new Set(alertIds)]));
    const sent = new Set<string>();
    for (const item of raw) {
      const email = String(item.pk).slice('SUB#'.length);
      const state = states.get(email);
      if (!state) continue;
      if (item.sk === deliveryClaimsKey(email).sk) {
        const record = parseClaims(item);
        state.version = record.seq;
        state.claims = record.claims.filter((claim) => live(claim.claimedAt, threshold));
        for (const claim of state.claims) {
          for (const id of claim.alertIds) if (asked.get(email)?.has(id)) state.held.add(id);
        }
        continue;
      }
      // A record without a message id is a claim made one alert at a time (before claims records).
      const delivery = parse(item);
      if (delivery.messageId !== null) sent.add(`${email}\u0000${delivery.alertId}`);
      else if (live(delivery.claimedAt, threshold)) state.held.add(delivery.alertId);
    }
    for (const [email, state] of states) {
      for (const id of state.held) {
        if (sent.has(`${email}\u0000${id}`)) state.held.delete(id);
      }
      for (const id of asked.get(email) ?? []) {
        if (state.held.has(id) || sent.has(`${email}\u0000${id}`)) state.done.add(id);
      }
    }
    return states;
  };

  // Unconditional, and batched (25 a request, unprocessed items retried): once SES accepted the
  // message, the record must say so even if the claim was lost, or the alert would be sent again.
  const markSentMany: DeliveryRepo['markSentMany'] = async (sends, sentAt) => {
    await batchWrite(
      ctx,
      sends.flatMap(({ email, alertIds, messageId, claimedAt }) =>
        alertIds.map((alertId) =>
          putRequest({
            email,
            alertId,
            claimedAt: instantKey(claimedAt),
            messageId,
            sentAt,
            ...deliveryKey(email, alertId),
            entity: 'delivery',
            v: SCHEMA_VERSION,
          }),
        ),
      ),
    );
  };

  const putClaims = (email: string, seq: number, claims: DeliveryClaim[], readSeq: number) =>
    conditionalWrite(
      ctx.client.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            email,
            seq,
            claims,
            ...deliveryClaimsKey(email),
            entity: 'delivery-claims',
            v: SCHEMA_VERSION,
          },
          // Nothing claimed or released since the read this write is based on.
          ...(readSeq === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'seq = :seq', ExpressionAttributeValues: { ':seq': readSeq } }),
        }),
      ),
    );

  return {
    async delivered(email, alertIds, staleBefore) {
      return (await deliveryStates([{ email, alertIds }], staleBefore)).get(email)?.done ?? new Set();
    },

    deliveryStates,

    async claim(email, read, claim, staleBefore) {
      const threshold = instantKey(staleBefore);
      const kept = read.claims.filter((held) => live(held.claimedAt, threshold));
      return putClaims(email, read.version + 1, [...kept, claim], read.version);
    },

    async markSent(email, alertIds, messageId, sentAt, claimedAt) {
      await markSentMany([{ email, alertIds, messageId, claimedAt: claimedAt ?? sentAt }], sentAt);
    },

    markSentMany,

    async release(email, claim) {
      for (let attempt = 1; ; attempt++) {
        const out = await ctx.client.send(
          new GetCommand({ TableName: ctx.tableName, Key: deliveryClaimsKey(email), ConsistentRead: true }),
        );
        if (!out.Item) return;
        const record = parseClaims(out.Item);
        const rest = record.claims.filter((held) => held.token !== claim.token);
        if (rest.length === record.claims.length) return;
        if (await putClaims(email, record.seq + 1, rest, record.seq)) return;
        if (attempt >= RELEASE_ATTEMPTS) {
          throw new Error(`claims of ${email} kept changing: claim ${claim.token} left to go stale`);
        }
      }
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
