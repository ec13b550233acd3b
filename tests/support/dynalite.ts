/**
 * @module Test store: in-memory dynalite on an ephemeral port, and fresh tables on it. One
 * dynalite per test file; a table per test keeps tests independent without restarting it.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { ListingGeneration, Store } from '#shared/domain/ports.ts';
import { createDocumentClient, createDynamoStore, ensureTable } from '#shared/store/index.ts';
import { fixDynalite, takeCreatedDb } from '../../functions/local/dynalite-iterators.ts';
import { startEmbeddedStore } from '../../functions/local/embedded-store.ts';
import { inProcessTransport } from '../../functions/local/embedded-transport.ts';
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

export interface FixedDynalite {
  /** The LevelDB dynalite created, opened, before any request: tests wrap its methods. */
  level: Record<string, unknown>;
  /** A client over the in-process transport. */
  client: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/**
 * A dynalite in the test's own thread with the embedded store's runtime fixes
 * (dynalite-iterators.ts), tables created and deleted at once, on disk at `path` or in memory:
 * for tests that watch what dynalite's requests do to its LevelDB.
 */
export async function startFixedDynalite(options: { path?: string } = {}): Promise<FixedDynalite> {
  fixDynalite();
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const level = takeCreatedDb() as unknown as Record<string, unknown> & { open(): Promise<void> };
  await level.open();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createDocumentClient({
    endpoint,
    region: 'eu-west-2',
    transport: inProcessTransport(server, endpoint, () => false),
  });
  return {
    level,
    client,
    async close() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
