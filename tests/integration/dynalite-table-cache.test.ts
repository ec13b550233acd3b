import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ensureTable } from '#shared/store/index.ts';
import { type FixedDynalite, startFixedDynalite } from '../support/dynalite.ts';

// A dynalite of this file's own, so the test can count its LevelDB reads of table definitions
// (keys `table~<name>`) while real requests go through dynalite's actions.
type Get = (key: string, callback?: (error: Error | null, value?: unknown) => void) => unknown;

let store: FixedDynalite;
let client: FixedDynalite['client'];
let tableReads = 0;

beforeAll(async () => {
  store = await startFixedDynalite();
  client = store.client;
  const get = store.level.get as Get;
  store.level.get = ((key, callback) => {
    if (String(key).startsWith('table~')) tableReads += 1;
    return get(key, callback);
  }) satisfies Get;
});

afterAll(async () => {
  await store.close();
});

beforeEach(() => {
  tableReads = 0;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the table is ACTIVE (dynalite flips it on a timer), reading it fresh each time. */
async function active(TableName: string): Promise<void> {
  for (;;) {
    const out = await client.send(new DescribeTableCommand({ TableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await sleep(5);
  }
}

const provisioned = (TableName: string, hashKey: string): CreateTableCommandInput => ({
  TableName,
  AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
});

describe('the table-definition cache in dynalite', () => {
  test('item requests after the first read the definition from the cache', async () => {
    await ensureTable(client, 'cached');
    // ensureTable's UpdateTimeToLive is refused by dynalite and ignored; the TTL description answers.
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'cached' }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
    await client.send(new PutCommand({ TableName: 'cached', Item: { pk: 'warm', sk: '0' } }));
    await client.send(new GetCommand({ TableName: 'cached', Key: { pk: 'warm', sk: '0' } }));
    tableReads = 0;
    const items = Array.from({ length: 25 }, (_, i) => ({ pk: 'p', sk: String(i).padStart(2, '0') }));
    await client.send(
      new BatchWriteCommand({ RequestItems: { cached: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    for (const item of items.slice(0, 5))
      await client.send(new PutCommand({ TableName: 'cached', Item: item }));
    const got = await client.send(new BatchGetCommand({ RequestItems: { cached: { Keys: items } } }));
    const one = await client.send(new GetCommand({ TableName: 'cached', Key: items[3] }));
    const queried = await client.send(
      new QueryCommand({
        TableName: 'cached',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'p' },
      }),
    );
    expect(got.Responses?.cached).toHaveLength(25);
    expect(one.Item).toEqual(items[3]);
    expect(queried.Items).toEqual(items);
    expect(tableReads).toBe(0);
  });

  test('UpdateTable is seen by the next request, and the update still completes', async () => {
    await client.send(new CreateTableCommand(provisioned('updated', 'id')));
    await active('updated');
    // Cached, then changed: the update drops it, and the next reader reads LevelDB again.
    await client.send(new PutCommand({ TableName: 'updated', Item: { id: 'a' } }));
    tableReads = 0;
    await client.send(
      new UpdateTableCommand({
        TableName: 'updated',
        ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 9 },
      }),
    );
    await active('updated');
    expect(tableReads).toBeGreaterThan(0);
    const described = await client.send(new DescribeTableCommand({ TableName: 'updated' }));
    expect(described.Table?.ProvisionedThroughput).toMatchObject({
      ReadCapacityUnits: 7,
      WriteCapacityUnits: 9,
    });
    const reads = tableReads;
    await client.send(new PutCommand({ TableName: 'updated', Item: { id: 'b' } }));
    const out = await client.send(new GetCommand({ TableName: 'updated', Key: { id: 'b' } }));
    expect(out.Item).toEqual({ id: 'b' });
    expect(tableReads).toBe(reads);
  });

  test('a table deleted and created again with another key is served with its new key', async () => {
    await client.send(new CreateTableCommand(provisioned('recreated', 'first')));
    await active('recreated');
    await client.send(new PutCommand({ TableName: 'recreated', Item: { first: 'a' } }));
    await client.send(new DeleteTableCommand({ TableName: 'recreated' }));
    // dynalite marks the table DELETING (item requests already get ResourceNotFound) and drops
    // the definition on a timer: only then does DescribeTable miss it and CreateTable succeed.
    for (;;) {
      const gone = await client.send(new DescribeTableCommand({ TableName: 'recreated' })).then(
        () => false,
        (error: Error) => error.name === 'ResourceNotFoundException',
      );
      if (gone) break;
      await sleep(5);
    }
    await client.send(new CreateTableCommand(provisioned('recreated', 'second')));
    await active('recreated');
    await client.send(new PutCommand({ TableName: 'recreated', Item: { second: 'b' } }));
    const out = await client.send(new GetCommand({ TableName: 'recreated', Key: { second: 'b' } }));
    expect(out.Item).toEqual({ second: 'b' });
    const stale = await client.send(new PutCommand({ TableName: 'recreated', Item: { first: 'c' } })).then(
      () => null,
      (error: Error) => error.name,
    );
    expect(stale).toBe('ValidationException');
  });
});
