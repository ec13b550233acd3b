/**
 * @module The embedded DynamoDB, as the process that hosts it sees it: dynalite runs in a worker
 * thread of this process (store-worker.ts, store-host.ts), persisted in `DATA_DIR/dynamodb` (or in
 * memory for tests) and listening on 127.0.0.1 for other processes. This thread reaches it with
 * an SDK transport of messages (embedded-transport.ts) and reads its write count from memory the
 * two threads share. Starting it does not load dynalite here, so the worker loads dynalite and
 * opens LevelDB on another core while this thread loads the rest.
 */
import { Worker } from 'node:worker_threads';
import { type SdkResponse, transportOver } from './embedded-transport.ts';
import { StoreLockedError } from './store-claim.ts';
import type { EmbeddedStore, StoreHostOptions } from './store-host.ts';
import type { FromStore, StoreWorkerData, ToStore, WorkerError } from './store-worker.ts';

export { StoreLockedError } from './store-claim.ts';
export type { EmbeddedStore } from './store-host.ts';

export type EmbeddedStoreOptions = StoreHostOptions;

// From the sources, the worker starts through tsx; the build (scripts/build.mjs) points this at
// the bundled worker beside the command line.
const WORKER = new URL('./store-worker-tsx.mjs', import.meta.url);

/** The worker's error as this thread's: a held store stays a StoreLockedError. */
function fromWorker(error: WorkerError): Error {
  const rebuilt =
    error.name === 'StoreLockedError' && error.dir !== undefined
      ? new StoreLockedError(error.dir, error.pid ?? null)
      : Object.assign(new Error(error.message), {
          name: error.name,
          ...(error.code ? { code: error.code } : {}),
        });
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

/** A store worker started before it is told which store to open. */
export interface StoreWorker {
  /** Opens the store (once); resolves once dynalite listens, or rejects with why it could not. */
  open(options: EmbeddedStoreOptions): Promise<EmbeddedStore>;
  /** Stops a worker that was never opened (an opened store is closed with its own `close`). */
  discard(): Promise<void>;
}

/** Starts the embedded store: its worker, then the store in it. */
export function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  return startStoreWorker().open(options);
}

/**
 * Starts a store worker, which loads dynalite and waits to be told which store to open: begun
 * before the caller knows the data folder is valid, it costs that thread nothing.
 */
export function startStoreWorker(): StoreWorker {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const data: StoreWorkerData = { counter: counter.buffer as SharedArrayBuffer };
  // No options inherited from this process's command line (`--input-type`, `-e`, a profiler's):
  // the worker needs none, and some are refused in a worker.
  const worker = new Worker(WORKER, { workerData: data, execArgv: [] });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const pending = new Map<number, { resolve(response: SdkResponse): void; reject(error: Error): void }>();
  let nextId = 0;
  /** Why requests can no longer be answered: the worker failed, stopped, or closed the store. */
  let stopped: Error | null = null;
  /** What the worker said of itself: its endpoint once listening, or why it failed. */
  const said = { ready: null as string | null, failure: null as Error | null };
  let wake: (() => void) | null = null;
  const stop = (error: Error) => {
    stopped ??= error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    wake?.();
  };

  worker.on('message', (message: FromStore) => {
    switch (message.type) {
      case 'ready':
        said.ready = message.endpoint;
        return wake?.();
      case 'failed':
        said.failure = fromWorker(message.error);
        return stop(said.failure);
      case 'closed':
        return stop(new Error('the embedded store is closed'));
      case 'response':
      case 'error': {
        const request = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'response') request?.resolve(message.response);
        else request?.reject(fromWorker(message.error));
        return;
      }
    }
  });
  worker.on('error', (error) => {
    said.failure ??= error;
    stop(error);
  });
  worker.on('exit', (code) => stop(new Error(`the embedded store's worker stopped (exit code ${code})`)));

  let opening: Promise<EmbeddedStore> | null = null;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // A failure the store's users have already seen is not thrown again by closing it.
      const before = said.failure;
      if (!stopped) worker.postMessage({ type: 'close' } satisfies ToStore);
      await exited;
      if (said.failure && said.failure !== before) throw said.failure;
    })();
    return closing;
  };

  const open = async (options: EmbeddedStoreOptions): Promise<EmbeddedStore> => {
    if (!stopped) worker.postMessage({ type: 'open', options } satisfies ToStore);
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (said.ready !== null || stopped) resolve();
    });
    wake = null;
    if (said.ready === null) {
      await exited;
      throw said.failure ?? stopped;
    }
    const endpoint = said.ready;
    return {
      endpoint,
      transport: transportOver(
        (request) =>
          new Promise<SdkResponse>((resolve, reject) => {
            if (stopped) return reject(stopped);
            const id = nextId++;
            pending.set(id, { resolve, reject });
            worker.postMessage({ type: 'request', id, request } satisfies ToStore);
          }),
        endpoint,
        () => closing !== null,
      ),
      writes: () => ({ token: `embedded:${Atomics.load(counter, 0)}`, changedAt: 0 }),
      close,
    };
  };

  return {
    open(options) {
      opening ??= open(options);
      return opening;
    },
    async discard() {
      if (!opening) await close();
    },
  };
}
