/**
 * @module Low-level table operations the repositories share: chunked BatchGet/BatchWrite with
 * retry of unprocessed work, full queries, and conditional-write failure detection.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Key } from './keys.ts';

/** What every repository takes: the client and the table it works on. */
export interface TableContext {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export type RawItem = Record<string, unknown>;

// DynamoDB limits per request.
const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;
const MAX_ATTEMPTS = 8;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Exponential backoff for unprocessed keys (throttling), capped so tests stay quick.
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 1000)));

export function isConditionalFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/** Awaits a conditional write: true when written, false when its condition failed. */
export async function conditionalWrite(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/**
 * Fetches every key (duplicates collapsed), in chunks of 100, retrying unprocessed keys;
 * `consistent` asks for strongly consistent reads (a re-read after a lost conditional write).
 */
export async function batchGet(
  ctx: TableContext,
  keys: readonly Key[],
  options: { consistent?: boolean } = {},
): Promise<RawItem[]> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const found: RawItem[] = [];
  for (const chunk of chunks(unique, BATCH_GET_MAX)) {
    await untilProcessed('BatchGet left $n keys unprocessed', chunk, async (pending) => {
      const out = await ctx.client.send(
        new BatchGetCommand({
          RequestItems: {
            [ctx.tableName]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      found.push(...(out.Responses?.[ctx.tableName] ?? []));
      return (out.UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as Key[];
    });
  }
  return found;
}

type WriteRequest = { PutRequest: { Item: RawItem } } | { DeleteRequest: { Key: Key } };

/** Writes in chunks of 25, retrying unprocessed items. Not atomic: each item stands alone. */
export async function batchWrite(ctx: TableContext, requests: readonly WriteRequest[]): Promise<void> {
  for (const chunk of chunks(requests, BATCH_WRITE_MAX)) {
    await untilProcessed('BatchWrite left $n items unprocessed', chunk, async (pending) => {
      const out = await ctx.client.send(
        new BatchWriteCommand({ RequestItems: { [ctx.tableName]: pending } }),
      );
      return (out.UnprocessedItems?.[ctx.tableName] ?? []) as WriteRequest[];
    });
  }
}

/**
 * Sends `chunk`, then what the table left unprocessed (throttling), with backoff, until nothing
 * is left; after MAX_ATTEMPTS rounds it fails with `failure` ($n: how many were left).
 */
async function untilProcessed<T>(failure: string, chunk: T[], send: (pending: T[]) => Promise<T[]>) {
  let pending = chunk;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_ATTEMPTS) throw new Error(failure.replace('$n', String(pending.length)));
    if (attempt > 0) await backoff(attempt);
    pending = await send(pending);
  }
}

export const putRequest = (item: RawItem): WriteRequest => ({ PutRequest: { Item: item } });
export const deleteRequest = (key: Key): WriteRequest => ({
  DeleteRequest: { Key: { pk: key.pk, sk: key.sk } },
});

/** Runs a query to the end, following LastEvaluatedKey. */
export async function queryAll(
  ctx: TableContext,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.client.send(
      new QueryCommand({ ...input, TableName: ctx.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
