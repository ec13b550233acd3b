/**
 * @module A fix for an iterator leak in dynalite 4.0.0, applied where the embedded store starts.
 *
 * dynalite turns LevelDB iterators into streams for Query, Scan and ListTables, and closes them
 * with `iterator.return()`, which abstract-level 3 iterators do not have (they have `close()`).
 * No iterator is ever closed: each stays in the database's open-resource set, with its native
 * snapshot, for the life of the process. `serve` grew from 182 MB to 1.59 GB over ~20k paged
 * `GET /api/alerts`. Single-item reads use `get` and never leaked.
 *
 * Why a runtime fix and not a patched copy of node_modules (patch-package and the like): the
 * embedded store runs from production installs (`npm start`), so a patch tool would have to be a
 * runtime dependency with an install script, and a skipped or failed postinstall would bring the
 * leak back silently. Here the fix travels with the code that starts dynalite, works for every
 * install, and fails loudly (at start) if dynalite's internals change shape on an upgrade.
 * The soak test (tests/integration/store-soak.test.ts) proves the bound.
 *
 * The same hook on `db.create` applies the table-definition cache (dynalite-table-cache.ts) and
 * the cheaper LevelDB calls (dynalite-level-io.ts).
 */
import { Readable } from 'node:stream';
import dynaliteDb from 'dynalite/db/index.js';
import { fixLevelIo, type LevelIoDb } from './dynalite-level-io.ts';
import { cacheTableDefinitions, type StoreWithTables } from './dynalite-table-cache.ts';

interface LevelIterator<T> {
  next(): Promise<T | undefined>;
  close(): Promise<void>;
}

interface LevelDb extends LevelIoDb {
  open(options?: object): Promise<void>;
  keys(options?: object): LevelIterator<unknown>;
  values(options?: object): LevelIterator<unknown>;
  createKeyStream?: (options?: object) => Readable;
  createValueStream?: (options?: object) => Readable;
}

interface DynaliteStore extends StoreWithTables {
  db: LevelDb;
  recreate?: (this: DynaliteStore) => void;
}

interface DynaliteDbModule {
  create: (options?: object) => DynaliteStore;
  [PATCHED]?: true;
}

const PATCHED = Symbol.for('policy-watch.dynalite-iterators');

// The LevelDB of the dynalite created last, until embedded-store.ts takes it to open it itself.
let created: LevelDb | null = null;

/**
 * The database of the dynalite just created (then forgets it). Called in the same tick as
 * `dynalite()`, before LevelDB's deferred open, so the caller's `open()` is the one that runs and
 * its failure (a folder locked by another process) is seen at start rather than on a request.
 */
export function takeCreatedDb(): { open(): Promise<void> } | null {
  const db = created;
  created = null;
  return db;
}

/** A stream over a LevelDB iterator that closes it at the end, on destroy and on error. */
export function iteratorStream<T>(iterator: LevelIterator<T>): Readable {
  return new Readable({
    objectMode: true,
    read() {
      iterator.next().then(
        (value) => this.push(value === undefined ? null : value),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    // Readable's autoDestroy calls this after 'end' too, so every path closes the iterator.
    destroy(error, callback) {
      iterator.close().then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
    },
  });
}

/** Every runtime fix, on a store just created or recreated. */
function fixStore(store: DynaliteStore): void {
  fixStreams(store);
  cacheTableDefinitions(store);
  fixLevelIo(store.db, store.lifecycleManager);
}

function fixStreams(store: DynaliteStore): void {
  const db = store.db;
  if (typeof db?.keys !== 'function' || typeof db.values !== 'function') {
    throw new Error(
      'dynalite internals changed: its store has no LevelDB keys()/values(); review the iterator fix',
    );
  }
  db.createKeyStream = (options) => iteratorStream(db.keys(options));
  db.createValueStream = (options) => iteratorStream(db.values(options));
}

/**
 * Makes every dynalite started after this call close its iterators, cache its table definitions
 * and reach LevelDB with fewer hand-offs (reads in place, a turn's writes in one batch).
 * Idempotent; throws when dynalite's internals no longer look like the version these fixes were
 * written for.
 */
export function fixDynalite(): void {
  // The same module instance dynalite's own index.js requires (by path: also inside a bundle that
  // includes dynalite, the store worker's), so its `db.create` call sees this.
  const dbModule = dynaliteDb as unknown as DynaliteDbModule;
  if (dbModule[PATCHED]) return;
  const create = dbModule.create;
  if (typeof create !== 'function') {
    throw new Error('dynalite internals changed: db.create is missing; review the iterator fix');
  }
  dbModule.create = (options) => {
    const store = create(options);
    fixStore(store);
    created = store.db;
    const recreate = store.recreate;
    if (typeof recreate === 'function') {
      // Re-listening after close builds a new LevelDB behind the same store object.
      store.recreate = function (this: DynaliteStore) {
        recreate.call(this);
        fixStore(this);
      };
    }
    return store;
  };
  dbModule[PATCHED] = true;
}
