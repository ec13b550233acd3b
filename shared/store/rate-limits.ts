/**
 * @module Fixed-window rate-limit counters (RateLimitRepo): an atomic ADD per key and window.
 * `expiresAt` lets DynamoDB TTL reclaim old windows on AWS; correctness never depends on it
 * (dynalite never deletes), because each window has its own record.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitRepo } from '../domain/ports.ts';
import type { TableContext } from './batch.ts';
import { rateLimitKey, SCHEMA_VERSION, TTL_ATTRIBUTE } from './keys.ts';

export function createRateLimitRepo(ctx: TableContext): RateLimitRepo {
  return {
    async hit(key, windowStart, expiresAt) {
      const expiresEpoch = Math.ceil(Date.parse(expiresAt) / 1000);
      if (!Number.isFinite(expiresEpoch)) throw new RangeError(`expiresAt is not an instant: ${expiresAt}`);
      const out = await ctx.client.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: rateLimitKey(key, windowStart),
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl, entity = :entity, v = :v',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':ttl': expiresEpoch,
            ':entity': 'rate-limit',
            ':v': SCHEMA_VERSION,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const count = out.Attributes?.count;
      if (typeof count !== 'number') throw new Error(`rate limit counter for ${key} returned no count`);
      return count;
    },
  };
}
