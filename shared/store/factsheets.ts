/**
 * @module Factsheet review history (FactsheetRepo): one record per API review, in the
 * factsheet's partition; a gsi1 partition lists every review for the staleness pass.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FactsheetRepo } from '../domain/ports.ts';
import type { FactsheetReview } from '../domain/types.ts';
import { queryAll, type TableContext } from './batch.ts';
import { allReviewsIndex, GSI1, reviewKey, SCHEMA_VERSION } from './keys.ts';
import { parseStored, reviewSchema } from './schemas.ts';

// Recorded order; reviews recorded in the same millisecond order by the time they vouch for
// (the later one is the effective review), then by note, so every index gives one order.
const byRecordedAt = (a: FactsheetReview, b: FactsheetReview) =>
  Date.parse(a.at) - Date.parse(b.at) ||
  Date.parse(a.reviewedAt) - Date.parse(b.reviewedAt) ||
  (a.note ?? '').localeCompare(b.note ?? '');

export function createFactsheetRepo(ctx: TableContext): FactsheetRepo {
  return {
    async reviews(factsheetId) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': reviewKey(factsheetId, '').pk, ':prefix': 'REVIEW#' },
      });
      return items.map((item) => parseStored(reviewSchema, item, 'review')).sort(byRecordedAt);
    },

    async allReviews() {
      const items = await queryAll(ctx, {
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': allReviewsIndex('', '').gsi1pk },
      });
      const byFactsheet = new Map<string, FactsheetReview[]>();
      for (const item of items) {
        const id = typeof item.factsheetId === 'string' ? item.factsheetId : null;
        if (id === null) continue;
        const list = byFactsheet.get(id) ?? [];
        list.push(parseStored(reviewSchema, item, 'review'));
        byFactsheet.set(id, list);
      }
      for (const list of byFactsheet.values()) list.sort(byRecordedAt);
      return byFactsheet;
    },

    async addReview(factsheetId, review) {
      // A random suffix keeps two reviews recorded in the same millisecond from overwriting each other.
      const suffix = `#${randomBytes(4).toString('hex')}`;
      await ctx.client.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...review,
            factsheetId,
            ...reviewKey(factsheetId, review.at, suffix),
            ...allReviewsIndex(factsheetId, review.at),
            entity: 'review',
            v: SCHEMA_VERSION,
          },
        }),
      );
    },
  };
}
