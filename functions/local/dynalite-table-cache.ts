/**
 * @module A cache of table definitions in dynalite 4.0.0, applied where the embedded store starts
 * (with the iterator fix, dynalite-iterators.ts, and a runtime fix for the reasons given there).
 *
 * Every dynalite action reads its table's definition from LevelDB first (`store.getTable`, which
 * reads `store.tableDb`), and BatchWriteItem and BatchGetItem read it once per item: about 0.8 s of
 * CPU in a poll writing 10,000 new entries, for a definition that changes only on
 * CreateTable/UpdateTable/DeleteTable. The cache sits on the table database's `get`, so
 * `getTable`'s own checks (missing, corrupt, CREATING/DELETING) still run on what it returns; it
 * keeps the definition as JSON text and parses a fresh copy per read, as LevelDB's JSON encoding
 * would, because UpdateTable and DeleteTable change the object they are given before writing it
 * back. Those two (and DescribeTable, the tag and TTL actions) call `getTable(name, false, cb)`;
 * the item actions call `getTable(name, cb)` and only read the definition (none of
 * dynalite/actions or db/index.js assigns into it), so they share one deep-frozen copy of an ACTIVE
 * or UPDATING table instead of parsing one per item. Every `put`, `del` or `batch` on the table
 * database (a table created, updated, deleted, or flipped from CREATING to ACTIVE by dynalite's
 * timer) forgets the entry before and after the write, and a read that raced a write is not cached.
 */

type Callback<T> = (error: Error | null, value?: T) => void;

/** dynalite's prefixed sub-database of table definitions (db/index.js createPrefixedDbWrapper). */
interface TableDb {
  get(key: string, callback?: Callback<unknown>): unknown;
  put(key: string, value: unknown, callback?: Callback<void>): unknown;
  del(key: string, callback?: Callback<void>): unknown;
  batch(operations: unknown[], callback?: Callback<void>): unknown;
}

type GetTable = (
  name: string,
  checkStatus: boolean | Callback<unknown>,
  callback?: Callback<unknown>,
) => unknown;

export interface StoreWithTables {
  tableDb: TableDb;
  getTable: GetTable;
  lifecycleManager?: { getState(): string };
}

interface Definition {
  /** As stored: parsed afresh for every reader that may change it. */
  text: string;
  /** One deep-frozen copy for the readers that never change it. */
  shared?: object;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The statuses `getTable(name, cb)` answers with the definition (it refuses CREATING and DELETING). */
const SERVED_STATUSES = new Set(['ACTIVE', 'UPDATING']);

const CACHED = Symbol.for('policy-watch.dynalite-table-cache');

/** Wraps `store.tableDb` (idempotent per table database); throws when dynalite's internals moved. */
export function cacheTableDefinitions(store: StoreWithTables): void {
  const tableDb = store.tableDb as TableDb & { [CACHED]?: true };
  const { get, put, del, batch } = tableDb ?? {};
  const getTable = store.getTable;
  if (![get, put, del, batch, getTable].every((method) => typeof method === 'function')) {
    throw new Error(
      'dynalite internals changed: its store has no getTable or tableDb.get/put/del/batch; review the table cache',
    );
  }
  if (tableDb[CACHED]) return;
  const definitions = new Map<string, Definition>();
  const isOpen = () => store.lifecycleManager?.getState() !== 'closed';
  // Bumped around every write: a read that started before a write ends is never cached.
  let generation = 0;
  const forget = (key?: string) => {
    generation += 1;
    if (key === undefined) definitions.clear();
    else definitions.delete(key);
  };
  const written = <T>(
    key: string | undefined,
    write: (callback?: Callback<T>) => unknown,
    callback?: Callback<T>,
  ) => {
    forget(key);
    if (typeof callback !== 'function') {
      return Promise.resolve(write()).finally(() => forget(key));
    }
    return write((error, value) => {
      forget(key);
      callback(error, value);
    });
  };

  tableDb.get = (key, callback) => {
    if (typeof callback !== 'function') return get.call(tableDb, key);
    const definition = definitions.get(key);
    // A closed database answers with its own error, as without the cache.
    if (definition !== undefined && isOpen()) {
      setImmediate(callback, null, JSON.parse(definition.text));
      return;
    }
    const started = generation;
    return get.call(tableDb, key, (error, value) => {
      if (!error && started === generation && value !== null && typeof value === 'object')
        definitions.set(key, { text: JSON.stringify(value) });
      callback(error, value);
    });
  };
  store.getTable = function (this: StoreWithTables, name, checkStatus, callback) {
    const definition = definitions.get(name);
    if (typeof checkStatus === 'function' && definition !== undefined && isOpen()) {
      definition.shared ??= deepFreeze(JSON.parse(definition.text) as object);
      const status = (definition.shared as { TableStatus?: unknown }).TableStatus;
      if (typeof status === 'string' && SERVED_STATUSES.has(status)) {
        setImmediate(checkStatus, null, definition.shared);
        return;
      }
    }
    // The original tells `getTable(name, cb)` from `getTable(name, false, cb)` by its arguments.
    return callback === undefined
      ? getTable.call(this, name, checkStatus)
      : getTable.call(this, name, checkStatus, callback);
  };
  tableDb.put = (key, value, callback) =>
    written(key, (done) => put.call(tableDb, key, value, done), callback);
  tableDb.del = (key, callback) => written(key, (done) => del.call(tableDb, key, done), callback);
  tableDb.batch = (operations, callback) =>
    written(undefined, (done) => batch.call(tableDb, operations, done), callback);
  tableDb[CACHED] = true;
}
