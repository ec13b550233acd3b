/**
 * @module The embedded store's worker thread: dynalite runs here (store-host.ts), so its request
 * handling and LevelDB work use a second core while the thread that started it polls, serves or
 * sends mail. Requests arrive as messages from embedded-store.ts and are handed to dynalite's own
 * request listeners (embedded-transport.ts `exchange`); other processes reach the same dynalite
 * over HTTP at its endpoint. The write count lives in memory both threads share.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exchange, type SdkResponse, type StoreRequest } from './embedded-transport.ts';
import { hostStore, type StoreHost, type StoreHostOptions } from './store-host.ts';

export interface StoreWorkerData {
  /** One Int32 the store counts its writes into (store-host.ts). */
  counter: SharedArrayBuffer;
}

/** An error as it crosses threads: what the other side needs to rebuild or report it. */
export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** StoreLockedError's fields. */
  dir?: string;
  pid?: number | null;
}

export type ToStore =
  | { type: 'open'; options: StoreHostOptions }
  | { type: 'request'; id: number; request: StoreRequest }
  | { type: 'close' };

export type FromStore =
  | { type: 'ready'; endpoint: string }
  | { type: 'failed'; error: WorkerError }
  | { type: 'response'; id: number; response: SdkResponse }
  | { type: 'error'; id: number; error: WorkerError }
  | { type: 'closed' };

export function toWorkerError(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, dir, pid } = error as Error & { code?: unknown; dir?: unknown; pid?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof dir === 'string' ? { dir } : {}),
    ...(typeof pid === 'number' || pid === null ? { pid } : {}),
  };
}

/**
 * Waits for `open` (the worker starts before the command knows it needs the store: dynalite is
 * loaded meanwhile), hosts the store, then answers requests until `close`.
 */
function main(port: NonNullable<typeof parentPort>, data: StoreWorkerData): void {
  const post = (message: FromStore) => port.postMessage(message);
  const fail = (error: unknown) => {
    post({ type: 'failed', error: toWorkerError(error) });
    port.close();
  };
  let host: Promise<StoreHost> | null = null;
  port.on('message', (message: ToStore) => {
    switch (message.type) {
      case 'open':
        host ??= hostStore(message.options, new Int32Array(data.counter));
        host.then((opened) => post({ type: 'ready', endpoint: opened.endpoint }), fail);
        return;
      case 'close':
        if (!host) return port.close();
        host
          .then((opened) => opened.close())
          .then(() => {
            post({ type: 'closed' });
            port.close();
          }, fail);
        return;
      case 'request':
        if (!host)
          return post({
            type: 'error',
            id: message.id,
            error: { name: 'Error', message: 'the store is not open' },
          });
        host
          .then((opened) => exchange(opened.server, message.request))
          .then(
            (response) => post({ type: 'response', id: message.id, response }),
            (error: unknown) => post({ type: 'error', id: message.id, error: toWorkerError(error) }),
          );
        return;
    }
  });
}

if (parentPort) main(parentPort, workerData as StoreWorkerData);
