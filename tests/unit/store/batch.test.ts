import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchGet, batchWrite, type TableContext } from '#shared/store/batch.ts';

const TABLE = 't';

// The retries back off in real time; fake timers let the tests skip the waiting.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs `work` while moving the fake clock on a second at a time through its backoffs. */
async function settled<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const outcome = work
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    .finally(() => {
      done = true;
    });
  while (!done) await vi.advanceTimersByTimeAsync(1000);
  const result = await outcome;
  if (!result.ok) throw result.error;
  return result.value;
}
const key = (n: number) => ({ pk: `P#${n}`, sk: 'S' });
const put = (n: number) => ({ PutRequest: { Item: { ...key(n), n } } });

/**
 * A table that leaves the last `unprocessed[i]` requests of its i-th call unprocessed, as
 * DynamoDB does when throttled, and records the size of every request.
 */
function throttledTable(unprocessed: number[]): { ctx: TableContext; sizes: number[] } {
  const sizes: number[] = [];
  let call = 0;
  const send = async (command: unknown) => {
    const leave = unprocessed[call++] ?? 0;
    if (command instanceof BatchGetCommand) {
      const keys = command.input.RequestItems?.[TABLE]?.Keys ?? [];
      sizes.push(keys.length);
      const done = keys.slice(0, keys.length - leave);
      const left = keys.slice(keys.length - leave);
      return {
        Responses: { [TABLE]: done.map((k) => ({ ...k, found: true })) },
        UnprocessedKeys: left.length ? { [TABLE]: { Keys: left } } : {},
      };
    }
    if (command instanceof BatchWriteCommand) {
      const requests = command.input.RequestItems?.[TABLE] ?? [];
      sizes.push(requests.length);
      const left = requests.slice(requests.length - leave);
      return { UnprocessedItems: left.length ? { [TABLE]: left } : {} };
    }
    throw new Error('unexpected command');
  };
  return { ctx: { client: { send } as unknown as DynamoDBDocumentClient, tableName: TABLE }, sizes };
}

describe('batchGet', () => {
  it.each([
    { name: 'one chunk, all processed', keys: 3, unprocessed: [], sizes: [3] },
    { name: 'duplicates collapsed', keys: 3, duplicate: true, unprocessed: [], sizes: [3] },
    { name: 'chunks of 100', keys: 250, unprocessed: [], sizes: [100, 100, 50] },
    { name: 'unprocessed keys retried', keys: 5, unprocessed: [2, 1], sizes: [5, 2, 1] },
  ])('$name', async ({ keys, duplicate, unprocessed, sizes }) => {
    const table = throttledTable(unprocessed);
    const wanted = Array.from({ length: keys }, (_, i) => key(i));
    const found = await settled(batchGet(table.ctx, duplicate ? [...wanted, ...wanted] : wanted));
    expect(found.map((item) => item.pk).sort()).toEqual(wanted.map((k) => k.pk).sort());
    expect(table.sizes).toEqual(sizes);
  });

  it('fails with how many keys were left when the table never takes them', async () => {
    const table = throttledTable(Array(20).fill(1));
    await expect(settled(batchGet(table.ctx, [key(1), key(2)]))).rejects.toThrow(
      'BatchGet left 1 keys unprocessed',
    );
  });
});

describe('batchWrite', () => {
  it.each([
    { name: 'one chunk', writes: 10, unprocessed: [], sizes: [10] },
    { name: 'chunks of 25', writes: 60, unprocessed: [], sizes: [25, 25, 10] },
    {
      name: 'unprocessed items retried before the next chunk',
      writes: 30,
      unprocessed: [5, 2],
      sizes: [25, 5, 2, 5],
    },
  ])('$name', async ({ writes, unprocessed, sizes }) => {
    const table = throttledTable(unprocessed);
    await settled(
      batchWrite(
        table.ctx,
        Array.from({ length: writes }, (_, i) => put(i)),
      ),
    );
    expect(table.sizes).toEqual(sizes);
  });

  it('fails with how many items were left when the table never takes them', async () => {
    const table = throttledTable(Array(20).fill(3));
    await expect(settled(batchWrite(table.ctx, [put(1), put(2), put(3)]))).rejects.toThrow(
      'BatchWrite left 3 items unprocessed',
    );
  });
});
