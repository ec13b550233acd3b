/**
 * @module The vitest hooks of the integration tests: one dynalite (and one SES emulator) per test
 * file, started before its tests and stopped after them, and a fresh table per test where a file
 * wants one. Each call registers its hooks where it is called (file or `describe` level) and
 * returns getters that are valid inside tests and later hooks.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Store } from '#shared/domain/ports.ts';
import { createTestStore, startDynalite, type TestDynalite, type TestStore } from './dynalite.ts';
import { type FixtureServer, type Route, startFixtureServer } from './fixture-server.ts';
import { startTestSes, type TestSes } from './ses.ts';

function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not started: use it inside a test or a hook`);
  return value;
}

export interface DynaliteHook {
  /** The file's dynalite. */
  readonly dynalite: TestDynalite;
  readonly endpoint: string;
  readonly client: TestDynalite['client'];
  /** A fresh, uniquely named table on it, with a store. */
  newStore(): Promise<TestStore>;
}

/** One dynalite for the enclosing file or `describe`; tests take fresh tables with `newStore()`. */
export function useDynalite(): DynaliteHook {
  let dynalite: TestDynalite | undefined;
  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite?.close();
  });
  const get = () => started(dynalite, 'dynalite');
  return {
    get dynalite() {
      return get();
    },
    get endpoint() {
      return get().endpoint;
    },
    get client() {
      return get().client;
    },
    newStore: () => createTestStore(get()),
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
  const current = () => started(table, 'the test table');
  return {
    get dynalite() {
      return db.dynalite;
    },
    get endpoint() {
      return db.endpoint;
    },
    get client() {
      return db.client;
    },
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
  let ses: TestSes | undefined;
  beforeAll(async () => {
    ses = await startTestSes();
  });
  afterAll(async () => {
    await ses?.close();
  });
  const get = () => started(ses, 'the SES emulator');
  if (options.clearEachTest) {
    beforeEach(async () => {
      await get().clear();
    });
  }
  return {
    get endpoint() {
      return get().endpoint;
    },
    get client() {
      return get().client;
    },
    emails: () => get().emails(),
    emailsTo: (address) => get().emailsTo(address),
    clear: () => get().clear(),
    close: () => get().close(),
  };
}

/**
 * A fixture server for the enclosing file or `describe`, serving `routes` (a function when they
 * are defined further down the file); the returned object forwards to it once started.
 */
export function useFixtureServer(
  routes: Record<string, Route> | (() => Record<string, Route>) = {},
): FixtureServer {
  let server: FixtureServer | undefined;
  beforeAll(async () => {
    server = await startFixtureServer(typeof routes === 'function' ? routes() : routes);
  });
  afterAll(async () => {
    await server?.close();
  });
  const get = () => started(server, 'the fixture server');
  return {
    get origin() {
      return get().origin;
    },
    get port() {
      return get().port;
    },
    url: (routePath) => get().url(routePath),
    set: (routePath, route) => get().set(routePath, route),
    remove: (routePath) => get().remove(routePath),
    hits: (routePath) => get().hits(routePath),
    requests: (routePath) => get().requests(routePath),
    peakInFlight: () => get().peakInFlight(),
    close: () => get().close(),
  };
}
