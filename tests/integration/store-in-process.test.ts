import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, test, vi } from 'vitest';
import { createDocumentClient, ensureTable } from '#shared/store/index.ts';
import { startEmbeddedStore } from '../../functions/local/embedded-store.ts';
import { useDynalite } from '../support/hooks.ts';

// The process hosting the embedded store talks to it in-process (embedded-transport.ts); every
// other process over HTTP. Both must see the same store and get the same answers.
const db = useDynalite();

async function freshTable(): Promise<string> {
  const tableName = `inproc-${randomBytes(6).toString('hex')}`;
  await ensureTable(db.inProcessClient, tableName);
  return tableName;
}

/** What a caller sees of a result: everything but the request's metadata. */
function seen<T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> {
  const { $metadata: _, ...rest } = output;
  return rest;
}

/** What a caller sees of a failure. */
async function failure(attempt: Promise<unknown>) {
  const error = await attempt.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } },
  );
  return {
    name: error.name,
    type: error.constructor,
    message: error.message,
    fault: error.$fault,
    status: error.$metadata?.httpStatusCode,
  };
}

/** The same request through the in-process transport and over HTTP, together. */
async function both<T>(request: (client: DynamoDBDocumentClient) => Promise<T>): Promise<[T, T]> {
  return Promise.all([request(db.inProcessClient), request(db.client)]);
}

describe('the in-process store transport', () => {
  test('a write through one transport is read back identically through the other', async () => {
    const TableName = await freshTable();
    const item = { pk: 'a', sk: 'b', n: 1.5, list: ['x', 2], nested: { ok: true }, text: 'é€𝄞' };
    await db.inProcessClient.send(new PutCommand({ TableName, Item: item }));
    await db.client.send(new PutCommand({ TableName, Item: { ...item, sk: 'c' } }));
    for (const client of [db.inProcessClient, db.client]) {
      for (const sk of ['b', 'c']) {
        const out = await client.send(new GetCommand({ TableName, Key: { pk: 'a', sk } }));
        expect(out.Item).toEqual({ ...item, sk });
      }
    }
    const [inProcess, http] = await both((client) =>
      client.send(new GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } })),
    );
    expect(seen(inProcess)).toEqual(seen(http));
    expect(inProcess.$metadata.httpStatusCode).toBe(200);
  });

  test('a failed condition, a validation error and a missing table fail with the same error classes', async () => {
    const TableName = await freshTable();
    await db.client.send(new PutCommand({ TableName, Item: { pk: 'a', sk: 'b' } }));
    const cases = {
      condition: (client: DynamoDBDocumentClient) =>
        client.send(
          new PutCommand({
            TableName,
            Item: { pk: 'a', sk: 'b' },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      validation: (client: DynamoDBDocumentClient) =>
        client.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', Limit: 0 })),
      missingTable: (client: DynamoDBDocumentClient) =>
        client.send(new GetCommand({ TableName: `${TableName}-missing`, Key: { pk: 'a', sk: 'b' } })),
    };
    for (const attempt of Object.values(cases)) {
      const [inProcess, http] = await both((client) => failure(attempt(client)));
      expect(inProcess).toEqual(http);
      expect(inProcess.status).toBe(400);
    }
    expect((await failure(cases.condition(db.inProcessClient))).type).toBe(ConditionalCheckFailedException);
    expect((await failure(cases.validation(db.inProcessClient))).name).toBe('ValidationException');
    expect((await failure(cases.missingTable(db.inProcessClient))).type).toBe(ResourceNotFoundException);
  });

  test('query pages are the same through both transports', async () => {
    const TableName = await freshTable();
    const items = Array.from({ length: 23 }, (_, i) => ({
      pk: 'p',
      sk: `s${String(i).padStart(2, '0')}`,
      i,
    }));
    await db.inProcessClient.send(
      new BatchWriteCommand({
        RequestItems: { [TableName]: items.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
    const pages = async (client: DynamoDBDocumentClient) => {
      const seenPages: unknown[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': 'p' },
            Limit: 5,
            ExclusiveStartKey,
          }),
        );
        seenPages.push(seen(out));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return seenPages;
    };
    const [inProcess, http] = await both(pages);
    expect(inProcess).toEqual(http);
    expect(inProcess).toHaveLength(5);
  });

  test('a batch read over the response limit leaves the same number of keys unprocessed', async () => {
    const TableName = await freshTable();
    // Six items of ~300 KB: about 1.8 MB, over what one BatchGetItem answers.
    const big = 'x'.repeat(300 * 1024);
    const keys = Array.from({ length: 6 }, (_, i) => ({ pk: 'big', sk: String(i) }));
    for (const key of keys)
      await db.inProcessClient.send(new PutCommand({ TableName, Item: { ...key, big } }));
    const read = async (client: DynamoDBDocumentClient) => {
      const out = await client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys } } }));
      const got = out.Responses?.[TableName] ?? [];
      const left = out.UnprocessedKeys?.[TableName]?.Keys ?? [];
      expect(got.every((item) => item.big === big)).toBe(true);
      return { got: got.length, left: left.length, all: [...got.map(({ pk, sk }) => ({ pk, sk })), ...left] };
    };
    const [inProcess, http] = await both(read);
    expect(inProcess.left).toBeGreaterThan(0);
    expect({ got: inProcess.got, left: inProcess.left }).toEqual({ got: http.got, left: http.left });
    expect(new Set(inProcess.all.map((key) => key.sk))).toEqual(new Set(keys.map((key) => key.sk)));
  });

  test('a request over dynalite’s size limit is refused the same way', async () => {
    const TableName = await freshTable();
    // 17 MB: over the 16 MB dynalite reads of a request.
    const Item = { pk: 'huge', sk: 'x', blob: 'y'.repeat(17 * 1024 * 1024) };
    const [inProcess, http] = await both((client) =>
      failure(client.send(new PutCommand({ TableName, Item }))),
    );
    expect(inProcess).toEqual(http);
    expect(inProcess.status).toBe(413);
  });

  test('the TTL set-up and description answer as over HTTP', async () => {
    const TableName = await freshTable();
    const [inProcess, http] = await both((client) =>
      client.send(new DescribeTimeToLiveCommand({ TableName })),
    );
    expect(seen(inProcess)).toEqual(seen(http));
  });

  test('writes through either transport are counted, and seen by an HTTP client', async () => {
    const TableName = await freshTable();
    const count = () => Number(db.writes().token.split(':')[1]);
    const before = count();
    await db.inProcessClient.send(new PutCommand({ TableName, Item: { pk: 'w', sk: '1' } }));
    await db.client.send(new PutCommand({ TableName, Item: { pk: 'w', sk: '2' } }));
    await db.inProcessClient.send(new GetCommand({ TableName, Key: { pk: 'w', sk: '1' } }));
    expect(count()).toBe(before + 2);
    const out = await db.client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'w' },
      }),
    );
    expect(out.Items?.map((item) => item.sk)).toEqual(['1', '2']);
  });

  test('a request aborted before it is handled fails with an AbortError', async () => {
    const TableName = await freshTable();
    const aborted = new AbortController();
    aborted.abort();
    const before = await failure(
      db.inProcessClient.send(new GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } }), {
        abortSignal: aborted.signal,
      }),
    );
    expect(before.name).toBe('AbortError');
    const during = new AbortController();
    const sent = db.inProcessClient.send(new PutCommand({ TableName, Item: { pk: 'a', sk: 'b' } }), {
      abortSignal: during.signal,
    });
    during.abort();
    expect((await failure(sent)).name).toBe('AbortError');
  });
});

/** An embedded store of the test's own with a client over its in-process transport. */
async function ownStore(tableName: string, options: { maxAttempts?: number } = {}) {
  const store = await startEmbeddedStore({ dataDir: null });
  const client = createDocumentClient({
    endpoint: store.endpoint,
    region: 'eu-west-2',
    transport: store.transport,
    ...options,
  });
  await ensureTable(client, tableName);
  return {
    store,
    client,
    async close() {
      client.destroy();
      await store.close();
    },
  };
}

describe('the in-process transport on its own', () => {
  test('a request aborted while dynalite handles it is abandoned, and the write still lands', async () => {
    const { store, client, close } = await ownStore('aborting');
    try {
      const before = store.writes().token;
      const request = await store.transport.signer.sign({
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.PutItem',
        },
        body: JSON.stringify({ TableName: 'aborting', Item: { pk: { S: 'a' }, sk: { S: 'b' } } }),
      });
      const abort = new AbortController();
      // dynalite has taken the request (it answers only after its LevelDB calls): abort now.
      const pending = store.transport.requestHandler.handle(request, { abortSignal: abort.signal });
      abort.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError', message: 'Request aborted' });
      // As over HTTP, the abandoned request still completes in the store and is counted.
      const out = await vi.waitFor(async () => {
        const got = await client.send(new GetCommand({ TableName: 'aborting', Key: { pk: 'a', sk: 'b' } }));
        if (!got.Item) throw new Error('not written yet');
        return got;
      });
      expect(out.Item).toEqual({ pk: 'a', sk: 'b' });
      expect(store.writes().token).not.toBe(before);
    } finally {
      await close();
    }
  });

  test('on a closed store, fails like a connection to a closed port', async () => {
    const { client, close } = await ownStore('closing', { maxAttempts: 1 });
    await close();
    const error = await client.send(new GetCommand({ TableName: 'closing', Key: { pk: 'a', sk: 'b' } })).then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).toBe('ECONNREFUSED');
  });
});
