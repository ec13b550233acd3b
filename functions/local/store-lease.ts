/**
 * @module The store a one-shot command (poll, digest) will open, begun before the command has loaded
 * its code and read its config: the store's worker (embedded-store.ts) loads dynalite, and opens
 * an existing store's LevelDB, on another core meanwhile. The command takes it where it would have
 * opened the store (local-deps.ts); whatever happens first (an invalid config, an unknown source),
 * the command line releases it, which closes a store nobody took.
 *
 * A store folder that does not exist yet is created only when the store is taken, so a command
 * that fails before it reaches the store still creates nothing in `DATA_DIR`; and the order of
 * errors is unchanged, since a store that cannot be opened (held by another process) fails only
 * when it is taken.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvInput } from '../env.ts';
import { startStoreWorker } from './embedded-store.ts';
import type { LocalStore } from './live-server.ts';

export interface StoreLease {
  /** The `DATA_DIR` it is for (as `loadEnv` reads it). */
  dataDir: string;
  /** The store, or the error opening it gave; once. */
  take(): Promise<LocalStore>;
  /** Closes the store, or stops its worker, unless it was taken (its taker closes it then). */
  release(): Promise<void>;
}

/** Starts the embedded store of `env`'s DATA_DIR; null when it needs none (`DYNAMODB_ENDPOINT`). */
export function leaseLocalStore(env: EnvInput): StoreLease | null {
  // As loadEnv reads them: an empty variable is unset.
  if (env.DYNAMODB_ENDPOINT) return null;
  const dataDir = env.DATA_DIR || '.data';
  const worker = startStoreWorker();
  let opening: Promise<LocalStore> | null = null;
  const open = () => {
    // live-server.ts (and zod, which it validates runtime.json with) loads while the worker boots.
    opening ??= import('./live-server.ts').then(({ openLocalStore }) => openLocalStore({ dataDir, worker }));
    // Seen by the taker, or dropped on release: never an unhandled rejection.
    opening.catch(() => {});
    return opening;
  };
  if (existsSync(join(dataDir, 'dynamodb'))) open();
  let taken = false;
  return {
    dataDir,
    take() {
      if (taken) return Promise.reject(new Error('the early store was already taken'));
      taken = true;
      return open();
    },
    async release() {
      if (taken) return;
      taken = true;
      if (!opening) return worker.discard();
      const store = await opening.catch(() => null);
      await store?.close();
    },
  };
}
