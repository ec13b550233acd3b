/**
 * @module How dynalite 4.0.0 reaches its LevelDB, made cheaper where the embedded store starts (with
 * the iterator fix, dynalite-iterators.ts, and a runtime fix for the reasons given there).
 *
 * dynalite calls its database one key at a time through callback wrappers
 * (dynalite/db/index.js `wrapWithCallbacks`): BatchGetItem reads each key; PutItem, DeleteItem,
 * UpdateItem and BatchWriteItem read each item before writing it (for conditions and indexes),
 * then write it and each index entry. Every call goes from abstract-level's promise to a native
 * operation queued on libuv's thread pool, back as a promise, through the lifecycle manager's
 * tracking, to a `setImmediate` that calls back. A BatchWriteItem of 25 items with one index is
 * about 75 such hand-offs. Profiled on the 2-core machine, the store's thread spent 85 ms of a
 * 10%-changed poll's 540 ms busy time inside those reads alone, besides their garbage.
 *
 * - **Reads** use classic-level's `getSync` (abstract-level decodes the JSON as `get` does): a
 *   read of this small database is memory. That thread does nothing but the store
 *   (store-worker.ts), so a read that waits on the disk delays only other store requests.
 * - **Writes** (`put`, `del`) made in one turn of the event loop are committed as one LevelDB
 *   batch, in the order they were made, when that turn ends: BatchWriteItem's 25 item writes are
 *   one batch, their index deletions the next, their index writes the one after (dynalite waits
 *   for each step's callbacks before the next).
 *
 * A store-only workload (ten rounds of 20 BatchGetItems of 100 keys and 16 BatchWriteItems of
 * 25 indexed items, in one thread) took 1,360 ms and 1,770 ms of CPU before, 1,120 / 1,410 with
 * the reads alone, 980 / 1,260 with both.
 *
 * Callers see what they saw before: every callback still comes on a later turn (`setImmediate`),
 * after its operation is durable in LevelDB as far as it was before, and dynalite's per-item locks
 * are held exactly as long. A batch that fails fails each of its writes with the same error, as
 * writes that failed one by one would. Anything else (no callback, a database not open or
 * closing, a read that throws) takes dynalite's own path, so its errors are the same.
 */

type Callback = (error: Error | null, value?: unknown) => void;

type WriteOperation = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

/** What these fixes use of the LevelDB dynalite created, after `wrapWithCallbacks`. */
export interface LevelIoDb {
  status: string;
  supports?: { getSync?: boolean };
  getSync(key: string): unknown;
  get(key: string, callback?: Callback): unknown;
  put(key: string, value: unknown, callback?: Callback): unknown;
  del(key: string, callback?: Callback): unknown;
  batch(operations: WriteOperation[], callback?: Callback): unknown;
}

/** dynalite's lifecycle manager (dynalite/db/lifecycle.js): 'open', 'closing' or 'closed'. */
interface Lifecycle {
  getState(): string;
  /** A graceful close waits until every tracked operation has settled. */
  trackOperation?(operation: Promise<unknown>): Promise<unknown>;
}

const PATCHED = Symbol.for('policy-watch.dynalite-level-io');

/** Applies both fixes to `db`. Idempotent. */
export function fixLevelIo(db: LevelIoDb, lifecycle?: Lifecycle): void {
  const marked = db as LevelIoDb & { [PATCHED]?: true };
  if (marked[PATCHED]) return;
  for (const method of ['get', 'put', 'del', 'batch'] as const) {
    if (typeof db[method] !== 'function') {
      throw new Error(
        `dynalite internals changed: its LevelDB has no ${method}(); review dynalite-level-io.ts`,
      );
    }
  }
  const usable = () => db.status === 'open' && (lifecycle?.getState() ?? 'open') === 'open';
  readSynchronously(db, usable);
  coalesceWrites(db, usable, lifecycle);
  marked[PATCHED] = true;
}

function readSynchronously(db: LevelIoDb, usable: () => boolean): void {
  // classic-level and memory-level have it; a database without it keeps dynalite's reads.
  if (db.supports?.getSync !== true || typeof db.getSync !== 'function') return;
  const callbackGet = db.get;
  db.get = (key, callback) => {
    if (typeof callback !== 'function' || !usable()) return callbackGet.call(db, key, callback);
    let value: unknown;
    try {
      value = db.getSync(key);
    } catch {
      // dynalite's path turns LevelDB's errors into its own ('Database is closed' and the like).
      return callbackGet.call(db, key, callback);
    }
    setImmediate(callback, null, value);
    return undefined;
  };
}

function coalesceWrites(db: LevelIoDb, usable: () => boolean, lifecycle?: Lifecycle): void {
  const { put, del, batch } = db;
  let operations: WriteOperation[] = [];
  let callbacks: Callback[] = [];
  let settled: (() => void) | null = null;

  const commit = () => {
    const committing = operations;
    const waiting = callbacks;
    const settle = settled;
    operations = [];
    callbacks = [];
    settled = null;
    if (committing.length === 0) return;
    // dynalite's own batch: its closed-database errors, the lifecycle's tracking, and the
    // callback on a later turn.
    const done = (error: Error | null) => {
      settle?.();
      for (const callback of waiting) callback(error);
    };
    try {
      batch.call(db, committing, done);
    } catch (error) {
      setImmediate(done, error instanceof Error ? error : new Error(String(error)));
    }
  };

  const enqueue = (operation: WriteOperation, callback: Callback) => {
    if (operations.length === 0) {
      // Set on the turn's first write: it runs after the callbacks already queued for this
      // turn, so everything they write joins the batch.
      setImmediate(commit);
      // A graceful close begun before the batch is handed to LevelDB waits for it too.
      lifecycle?.trackOperation?.(
        new Promise<void>((resolve) => {
          settled = resolve;
        }),
      );
    }
    operations.push(operation);
    callbacks.push(callback);
  };

  db.put = (key, value, callback) => {
    if (typeof callback !== 'function' || !usable()) return put.call(db, key, value, callback);
    enqueue({ type: 'put', key, value }, callback);
    return undefined;
  };
  db.del = (key, callback) => {
    if (typeof callback !== 'function' || !usable()) return del.call(db, key, callback);
    enqueue({ type: 'del', key }, callback);
    return undefined;
  };
  // A batch of dynalite's own (deleting a table's items) goes after the writes made before it.
  db.batch = (ops, callback) => {
    commit();
    return batch.call(db, ops, callback);
  };
}
