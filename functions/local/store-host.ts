/**
 * @module The embedded DynamoDB itself: dynalite on 127.0.0.1, persisted in `DATA_DIR/dynamodb` (or
 * in memory for tests), run by the store's worker thread (store-worker.ts). The folder is claimed
 * first (store-claim.ts), and dynalite's own LevelDB is opened before the store listens, so a held
 * store fails here with a clear `StoreLockedError`.
 */
import { mkdir, unlink } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import type { ListingGeneration } from '../../shared/domain/ports.ts';
import { fixDynalite, takeCreatedDb } from './dynalite-iterators.ts';
import { type InProcessTransport, inProcessTransport } from './embedded-transport.ts';
import { claimFolder, openUnlessLocked, StoreLockedError } from './store-claim.ts';

export interface StoreHostOptions {
  /** Holds `dynamodb/`; null: in memory, nothing persisted. */
  dataDir: string | null;
  /** 0 (default): a free port. */
  port?: number;
}

/** The embedded store as the process hosting it uses it (embedded-store.ts). */
export interface EmbeddedStore {
  endpoint: string;
  /**
   * The SDK transport for this process's own clients: the same dynalite without a socket
   * (embedded-transport.ts). Other processes use `endpoint`.
   */
  transport: InProcessTransport;
  /**
   * Changes after every write this store answered, from any process (commands beside a running
   * `start` write through its endpoint): the listing generation without a store read.
   */
  writes(): ListingGeneration;
  close(): Promise<void>;
}

/** A running dynalite of this thread. */
export interface StoreHost {
  server: Server;
  endpoint: string;
  close(): Promise<void>;
}

/** DynamoDB operations that change nothing; every other one counts as a write. */
const READS = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'DescribeTable',
  'ListTables',
  'DescribeTimeToLive',
]);

/**
 * Counts the requests that may write into `counter[0]`, as dynalite answers each: it answers once
 * the write is applied, indexes included, so nothing is left to settle. Counted when it calls
 * `end`, which it does even for a client that has gone away meanwhile, and before the answer
 * leaves: whoever has the answer sees the count that includes it. `counter` may be shared with
 * other threads (a SharedArrayBuffer), so it is changed atomically.
 */
function countWrites(server: Server, counter: Int32Array): void {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (READS.has(target.slice(target.indexOf('.') + 1))) return;
    const end = response.end.bind(response);
    response.end = ((...args: Parameters<typeof end>) => {
      Atomics.add(counter, 0, 1);
      return end(...args);
    }) as typeof response.end;
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts dynalite in this thread, counting its writes into `counter[0]`. */
export async function hostStore(options: StoreHostOptions, counter: Int32Array): Promise<StoreHost> {
  let path: string | undefined;
  let ownerFile: string | null = null;
  if (options.dataDir !== null) {
    path = join(options.dataDir, 'dynamodb');
    await mkdir(path, { recursive: true });
    ownerFile = await claimFolder(path);
  }
  fixDynalite();
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  countWrites(server, counter);
  const db = takeCreatedDb();
  let port: number;
  try {
    // dynalite's own LevelDB, opened now: a folder another process holds fails here, not later.
    if (path !== undefined && db && !(await openUnlessLocked(db, path)))
      throw new StoreLockedError(path, null);
    port = await listen(server, options.port ?? 0);
  } catch (error) {
    if (ownerFile) await unlink(ownerFile).catch(() => {});
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    server,
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve, reject) =>
          server.close((err) => (err ? reject(err) : resolve())),
        );
        // Keep-alive sockets from SDK clients would hold close() open until they time out.
        server.closeAllConnections();
        await closed;
        if (ownerFile) await unlink(ownerFile).catch(() => {});
      })();
      return closing;
    },
  };
}

/**
 * The embedded store hosted in this thread, reached through the same transport without a worker:
 * for tests that change dynalite's own functions (their changes are this thread's).
 */
export async function hostStoreHere(options: StoreHostOptions): Promise<EmbeddedStore> {
  const counter = new Int32Array(1);
  const host = await hostStore(options, counter);
  let closing: Promise<void> | null = null;
  return {
    endpoint: host.endpoint,
    transport: inProcessTransport(host.server, host.endpoint, () => closing !== null),
    writes: () => ({ token: `embedded:${counter[0]}`, changedAt: 0 }),
    close() {
      closing ??= host.close();
      return closing;
    },
  };
}
