/**
 * @module The alert listings' generation: one item (`META` / `LISTING-GENERATION`) holding a
 * random token and the time it was written. Every write that can change what an alert listing or
 * an alert document shows (an alert created, a judgement recorded) replaces it after that write,
 * so a reader that remembers the token it read before computing a response knows, with one
 * strongly consistent GetItem, whether that response is still current, whichever process wrote.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ListingGeneration } from '../domain/ports.ts';
import type { TableContext } from './batch.ts';
import { listingGenerationKey, SCHEMA_VERSION } from './keys.ts';

/** Called after the write it covers has completed (never before: a reader could cache the old state). */
export async function bumpListingGeneration(ctx: TableContext): Promise<void> {
  await ctx.client.send(
    new PutCommand({
      TableName: ctx.tableName,
      Item: {
        ...listingGenerationKey,
        entity: 'meta',
        v: SCHEMA_VERSION,
        token: randomUUID(),
        changedAt: Date.now(),
      },
    }),
  );
}

/** The current generation; before any write, the empty token written at the epoch. */
export async function readListingGeneration(ctx: TableContext): Promise<ListingGeneration> {
  const out = await ctx.client.send(
    new GetCommand({ TableName: ctx.tableName, Key: listingGenerationKey, ConsistentRead: true }),
  );
  const token = out.Item?.token;
  const changedAt = out.Item?.changedAt;
  return {
    token: typeof token === 'string' ? token : '',
    changedAt: typeof changedAt === 'number' ? changedAt : 0,
  };
}
