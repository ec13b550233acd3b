/**
 * @module The vitest hooks of the integration tests: one dynalite, SES emulator or fixture server
 * per test file (or `describe`), started before its tests and stopped after them, and a fresh
 * table per test where a file wants one. Each call registers its hooks where it is called and
 * returns an object that forwards to what was started: valid inside tests and later hooks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Store } from '#shared/domain/ports.ts';
import { createTestStore, startDynalite, type TestDynalite, type TestStore } from './dynalite.ts';
import { type FixtureServer, type Route, startFixtureServer } from './fixture-server.ts';
import { startTestSes, type TestSes } from './ses.ts';

/**
 * An object that forwards every property to `get()`'s result, read when used: what a hook
 * returns before its `beforeAll` has run.
 */
export function forwardTo<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(get(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/** Starts a resource before the enclosing tests and closes it after them; returns its getter. */
function useStarted<T extends { close(): Promise<void> }>(start: () => Promise<T>, what: string): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  });
  afterAll(async () => {
    await value?.close();
  });
  return () => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test or a hook`);
    return value;
  };
}

export interface DynaliteHook
  extends Pick<TestDynalite, 'endpoint' | 'client' | 'inProcessClient' | 'writes'> {
  /** A fresh, uniquely named table on the file's dynalite, with a store. */
  newStore(): Promise<TestStore>;
}

/**
 * One dynalite for the enclosing file or `describe`; tests take fresh tables with `newStore()`.
 * `inThisThread`: hosted in the test's thread (startDynalite), not in the store's worker.
 */
export function useDynalite(options: { inThisThread?: boolean } = {}): DynaliteHook {
  const dynalite = useStarted(() => startDynalite(options), 'dynalite');
  return {
    get endpoint() {
      return dynalite().endpoint;
    },
    get client() {
      return dynalite().client;
    },
    get inProcessClient() {
      return dynalite().inProcessClient;
    },
    writes: () => dynalite().writes(),
    newStore: () => createTestStore(dynalite()),
  };
}

export interface TestStoreHook extends DynaliteHook {
  /** This test's fresh table. */
  readonly table: TestStore;
  /** The store on this test's fresh table. */
  readonly store: Store;
}

/** `useDynalite()` plus a fresh table before each test (registered first, so later hooks see it). */
export function useTestStore(): TestStoreHook {
  const db = useDynalite();
  let table: TestStore | undefined;
  beforeEach(async () => {
    table = await db.newStore();
  });
  const current = () => {
    if (table === undefined) throw new Error('the test table is made before each test');
    return table;
  };
  return {
    get endpoint() {
      return db.endpoint;
    },
    get client() {
      return db.client;
    },
    get inProcessClient() {
      return db.inProcessClient;
    },
    writes: db.writes,
    newStore: db.newStore,
    get table() {
      return current();
    },
    get store() {
      return current().store;
    },
  };
}

/** One SES emulator for the enclosing file or `describe`; with `clearEachTest`, an empty inbox per test. */
export function useTestSes(options: { clearEachTest?: boolean } = {}): TestSes {
  const ses = useStarted(startTestSes, 'the SES emulator');
  if (options.clearEachTest) {
    beforeEach(async () => {
      await ses().clear();
    });
  }
  return forwardTo(ses);
}

/**
 * A fixture server for the enclosing file or `describe`, serving `routes` (a function when they
 * are costly or defined further down the file).
 */
export function useFixtureServer(
  routes: Record<string, Route> | (() => Record<string, Route>) = {},
): FixtureServer {
  return forwardTo(
    useStarted(
      () => startFixtureServer(typeof routes === 'function' ? routes() : routes),
      'the fixture server',
    ),
  );
}

export interface TempDirHook {
  /** This test's empty directory. */
  readonly path: string;
  /** Runs `step` after this test, before the directory goes (last added, first run). */
  cleanup(step: () => Promise<void>): void;
}

/** A fresh temporary directory per test, removed after it once the test's clean-up steps ran. */
export function useTempDirEach(prefix: string): TempDirHook {
  let path: string | undefined;
  const steps: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
    if (path) await rm(path, { recursive: true, force: true });
  });
  return {
    get path() {
      if (path === undefined) throw new Error('the temporary directory is made before each test');
      return path;
    },
    cleanup: (step) => {
      steps.push(step);
    },
  };
}
