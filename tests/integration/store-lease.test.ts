import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { createDocumentClient, ensureTable } from '#shared/store/index.ts';
import {
  StoreLockedError,
  startEmbeddedStore,
  startStoreWorker,
} from '../../functions/local/embedded-store.ts';
import { writeRuntime } from '../../functions/local/live-server.ts';
import { leaseLocalStore } from '../../functions/local/store-lease.ts';
import { useTempDirEach } from '../support/hooks.ts';

// poll and digest begin opening the embedded store before they have read their config
// (store-lease.ts); whatever the command then does, the store must end up closed, and a command
// that fails early must leave DATA_DIR as it was.
const tmp = useTempDirEach('pw-lease-');

const env = (extra: Record<string, string> = {}) => ({ DATA_DIR: tmp.path, ...extra });

describe('leaseLocalStore', () => {
  test('an explicit DYNAMODB_ENDPOINT needs no embedded store', () => {
    expect(leaseLocalStore(env({ DYNAMODB_ENDPOINT: 'http://db.example:8000' }))).toBeNull();
  });

  test('released untaken before a store exists: nothing is created in DATA_DIR', async () => {
    const lease = leaseLocalStore(env());
    expect(lease?.dataDir).toBe(tmp.path);
    await lease?.release();
    expect(existsSync(join(tmp.path, 'dynamodb'))).toBe(false);
  });

  test('taken, it is the store of DATA_DIR, created then, and its taker closes it', async () => {
    const lease = leaseLocalStore(env());
    const store = await lease?.take();
    expect(store?.embedded).toBe(true);
    expect(await readFile(join(tmp.path, 'dynamodb.owner'), 'utf8')).toBe(String(process.pid));
    await lease?.release(); // no-op: taken
    const client = createDocumentClient({ endpoint: store?.endpoint ?? '', region: 'eu-west-2' });
    tmp.cleanup(async () => client.destroy());
    await ensureTable(client, 'policy-watch');
    await store?.close();
    expect(existsSync(join(tmp.path, 'dynamodb.owner'))).toBe(false);
    await expect(lease?.take()).rejects.toThrow('already taken');
  });

  test('an existing store opened early and released untaken is closed: the folder is free again', async () => {
    const first = await startEmbeddedStore({ dataDir: tmp.path });
    await first.close();
    const lease = leaseLocalStore(env());
    await lease?.release();
    expect(existsSync(join(tmp.path, 'dynamodb.owner'))).toBe(false);
    const again = await startEmbeddedStore({ dataDir: tmp.path });
    await again.close();
  });

  test('a held store fails when taken, with the same error as opening it late', async () => {
    const holder = await startEmbeddedStore({ dataDir: tmp.path });
    tmp.cleanup(() => holder.close());
    const lease = leaseLocalStore(env());
    const error = await lease?.take().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    await lease?.release();
  });

  test("with a live start's runtime record, the taken store is that server's", async () => {
    const server = await startEmbeddedStore({ dataDir: tmp.path });
    tmp.cleanup(() => server.close());
    await writeRuntime(tmp.path, { pid: process.pid, storeEndpoint: server.endpoint, mailEndpoint: null });
    const lease = leaseLocalStore(env());
    const store = await lease?.take();
    expect(store).toMatchObject({ endpoint: server.endpoint, embedded: false });
  });
});

describe('the store worker', () => {
  test('started, then discarded unopened, it stops', async () => {
    const worker = startStoreWorker();
    await worker.discard();
    // Opening after a discard fails clearly rather than hanging.
    await expect(worker.open({ dataDir: null })).rejects.toThrow(/closed|stopped/);
  });

  test('counts writes across threads, and refuses requests once closed', async () => {
    const store = await startEmbeddedStore({ dataDir: null });
    const client = createDocumentClient({
      endpoint: store.endpoint,
      region: 'eu-west-2',
      transport: store.transport,
    });
    await ensureTable(client, 'counted');
    const before = store.writes().token;
    await client.send(new PutCommand({ TableName: 'counted', Item: { pk: 'a', sk: 'b' } }));
    expect(store.writes().token).not.toBe(before);
    const afterPut = store.writes().token;
    await client.send(new GetCommand({ TableName: 'counted', Key: { pk: 'a', sk: 'b' } }));
    expect(store.writes().token).toBe(afterPut);
    await store.close();
    await expect(
      client.send(new GetCommand({ TableName: 'counted', Key: { pk: 'a', sk: 'b' } })),
    ).rejects.toThrow(/ECONNREFUSED/);
    client.destroy();
  });
});
