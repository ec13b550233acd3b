/**
 * @module Test store: in-memory dynalite on an ephemeral port, and fresh tables on it. One
 * dynalite per test file; a table per test keeps tests independent without restarting it.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ListingGeneration, Store } from '#shared/domain/ports.ts';
import { createDocumentClient, createDynamoStore, ensureTable } from '#shared/store/index.ts';
import { startEmbeddedStore } from '../../functions/local/embedded-store.ts';
import { hostStoreHere } from '../../functions/local/store-host.ts';

export interface TestDynalite {
  endpoint: string;
  /** A client over HTTP, as another process reaches the store. */
  client: DynamoDBDocumentClient;
  /** A client over the in-process transport, as the process hosting the store reaches it. */
  inProcessClient: DynamoDBDocumentClient;
  /** The store's write count (embedded-store.ts). */
  writes(): ListingGeneration;
  close(): Promise<void>;
}

/**
 * An in-memory embedded store, in its worker thread as the commands run it; `inThisThread` hosts
 * it in the test's own thread instead, for tests that change dynalite's functions.
 */
export async function startDynalite(options: { inThisThread?: boolean } = {}): Promise<TestDynalite> {
  const server = options.inThisThread
    ? await hostStoreHere({ dataDir: null })
    : await startEmbeddedStore({ dataDir: null });
  const client = createDocumentClient({ endpoint: server.endpoint, region: 'eu-west-2' });
  const inProcessClient = createDocumentClient({
    endpoint: server.endpoint,
    region: 'eu-west-2',
    transport: server.transport,
  });
  return {
    endpoint: server.endpoint,
    client,
    inProcessClient,
    writes: server.writes,
    async close() {
      client.destroy();
      inProcessClient.destroy();
      await server.close();
    },
  };
}

/** What a table needs of a dynalite: `TestDynalite`, or the `useDynalite()` hook. */
export type DynaliteEndpoint = Pick<TestDynalite, 'endpoint' | 'client'>;

export interface TestStore {
  store: Store;
  tableName: string;
  client: DynamoDBDocumentClient;
  endpoint: string;
  /** Stops the dynalite this call started (none when one was passed in). */
  close(): Promise<void>;
}

/** A fresh, uniquely named table with the store on it; starts dynalite unless one is given. */
export async function createTestStore(dynalite?: DynaliteEndpoint): Promise<TestStore> {
  const started = dynalite === undefined ? await startDynalite() : undefined;
  const db = dynalite ?? (started as TestDynalite);
  const tableName = `test-${randomBytes(6).toString('hex')}`;
  await ensureTable(db.client, tableName);
  return {
    store: createDynamoStore({ client: db.client, tableName }),
    tableName,
    client: db.client,
    endpoint: db.endpoint,
    close: async () => {
      await started?.close();
    },
  };
}
