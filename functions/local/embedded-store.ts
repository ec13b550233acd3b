/**
 * @module The embedded DynamoDB: dynalite on 127.0.0.1, persisted in `DATA_DIR/dynamodb` (or in
 * memory for tests). LevelDB allows one opener per folder, and a second dynalite on a held folder
 * crashes on its first request, so the folder is claimed first (an owner file created
 * exclusively), dynalite's own LevelDB is opened before the store listens, and a held store is a
 * clear `StoreLockedError`.
 */
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import type { ListingGeneration } from '../../shared/domain/ports.ts';
import { fixDynalite, takeCreatedDb } from './dynalite-iterators.ts';
import { type InProcessTransport, inProcessTransport } from './embedded-transport.ts';

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
 * Counts the requests that may write, as dynalite answers each: it answers once the write is
 * applied, indexes included, so nothing is left to settle (`changedAt` stays 0). Counted when it
 * calls `end`, which it does even for a client that has gone away meanwhile.
 */
function watchWrites(server: Server): () => ListingGeneration {
  let count = 0;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (READS.has(target.slice(target.indexOf('.') + 1))) return;
    const end = response.end.bind(response);
    response.end = ((...args: Parameters<typeof end>) => {
      count += 1;
      return end(...args);
    }) as typeof response.end;
  });
  return () => ({ token: `embedded:${count}`, changedAt: 0 });
}

export interface EmbeddedStoreOptions {
  /** Holds `dynamodb/`; null: in memory, nothing persisted. */
  dataDir: string | null;
  /** 0 (default): a free port. */
  port?: number;
}

export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(
      `the store in ${dir} is held by another policy-watch process${pid === null ? '' : ` (pid ${pid})`}; ` +
        'stop it, or run this command while its `start` is running so it shares that store',
    );
  }
}

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelModule = { Level: new (location: string) => LevelDb };

// `level` is dynalite's own dependency; resolving it from dynalite keeps the probe on the
// exact LevelDB build dynalite will open.
const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));

// A fresh owner file with a live pid may belong to a process still starting dynalite.
const OWNER_GRACE_MS = 10_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens a LevelDB folder: false when another process holds it. */
async function openUnlessLocked(db: { open(): Promise<void> }, dir: string): Promise<boolean> {
  try {
    await db.open();
    return true;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') return false;
    throw new Error(`cannot open the store in ${dir}`, { cause: error });
  }
}

async function probeUnlocked(dir: string): Promise<boolean> {
  const { Level } = requireFromDynalite('level') as LevelModule;
  const db = new Level(dir);
  if (!(await openUnlessLocked(db, dir))) return false;
  await db.close();
  return true;
}

async function readOwner(file: string): Promise<{ pid: number | null; ageMs: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const pid = Number.parseInt(text.trim(), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : null, ageMs: Date.now() - info.mtimeMs };
  } catch {
    return null;
  }
}

/** Claims `<dir>` for this process, or throws StoreLockedError. Returns the owner file. */
async function claimFolder(dir: string): Promise<string> {
  const ownerFile = `${dir}.owner`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(ownerFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      // LevelDB's own lock is checked as the store opens (startEmbeddedStore), not by a probe
      // open here: one open of the folder instead of two.
      return ownerFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(ownerFile);
    if (owner?.pid != null && isProcessAlive(owner.pid)) {
      // A live pid is trusted unless LevelDB says the folder is free and the claim is old
      // (the pid was reused after a crash).
      if (owner.ageMs < OWNER_GRACE_MS || !(await probeUnlocked(dir)))
        throw new StoreLockedError(dir, owner.pid);
    }
    await unlink(ownerFile).catch(() => {});
  }
  throw new StoreLockedError(dir, null);
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

export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  let path: string | undefined;
  let ownerFile: string | null = null;
  if (options.dataDir !== null) {
    path = join(options.dataDir, 'dynamodb');
    await mkdir(path, { recursive: true });
    ownerFile = await claimFolder(path);
  }
  fixDynalite();
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const writes = watchWrites(server);
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
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    transport: inProcessTransport(server, endpoint, () => closing !== null),
    writes,
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
