/**
 * @module The AWS SDK transport of the process that hosts the embedded store: each DynamoDB
 * request goes to that dynalite's own request listeners (`server.emit('request')`, `exchange`, run
 * in the store's worker thread: embedded-store.ts) instead of through a socket, and dynalite's
 * status, headers and body come back as the SDK's response. It is still the DynamoDB JSON protocol
 * through the same SDK adapters, so errors, paging, size limits and the write count are what HTTP
 * gives; only the loopback HTTP client and server (about 15% of a poll's CPU) are gone, and
 * SigV4's hashing: dynalite checks the Authorization header's shape, never its signature, and
 * nothing signed this way leaves the process. Other processes use the endpoint, over HTTP and
 * signed.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The parts of the SDK's HttpRequest this handler reads. */
interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The SDK's HttpResponse: status, lower-case headers (as Node's HTTP client gives them), body. */
export interface SdkResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A DOM AbortSignal, or the SDK's older AbortSignal with `onabort`. */
interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener?: (type: 'abort', listener: () => void, options?: { once?: boolean }) => void;
  removeEventListener?: (type: 'abort', listener: () => void) => void;
  onabort?: unknown;
}

/** The request's end of what dynalite's handler (and the write counter) use of a request. */
function requestFor(
  request: StoreRequest,
): EventEmitter & Pick<IncomingMessage, 'method' | 'url' | 'headers'> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) query.append(name, one ?? '');
  }
  const search = query.size > 0 ? `?${query}` : '';
  return Object.assign(new EventEmitter(), {
    method: request.method,
    url: `${request.path}${search}`,
    headers,
  });
}

/** What dynalite's handler calls on a response; `end` hands the whole response over. */
class CapturedResponse {
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  /** dynalite keeps the negotiated content type here. */
  contentType?: string;
  constructor(private readonly done: (response: SdkResponse) => void) {}
  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
  end(chunk?: string | Uint8Array): this {
    const body =
      chunk === undefined ? new Uint8Array() : typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.done({ statusCode: this.statusCode, headers: this.headers, body });
    return this;
  }
}

/**
 * The body as the store's thread receives it: text stays text (a small Buffer is a view of an
 * 8 KB pool, and a message copies a view's whole memory), bytes are copied to their own length.
 */
function storeBody(body: unknown): string | Uint8Array | null {
  if (body === undefined || body === null || typeof body === 'string') return body ?? null;
  if (body instanceof Uint8Array) return body.slice();
  throw new TypeError('the in-process store transport takes string or byte bodies only');
}

function bodyBytes(body: string | Uint8Array | null): Buffer | null {
  if (body === null) return null;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** The error Node's HTTP handler of the SDK gives an aborted request. */
function abortError(signal: AbortSignalLike): Error {
  const reason = signal.reason;
  const error = new Error(reason && !(reason instanceof Error) ? String(reason) : 'Request aborted', {
    ...(reason instanceof Error ? { cause: reason } : {}),
  });
  error.name = 'AbortError';
  return error;
}

/** What a request to a closed store gets over HTTP: nothing listens any more. */
function refused(endpoint: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${endpoint.replace(/^http:\/\//, '')}`), {
    code: 'ECONNREFUSED',
  });
}

/** Calls `abort` when `signal` fires; returns what stops watching it. */
function onAbort(signal: AbortSignalLike | undefined, abort: () => void): () => void {
  if (!signal) return () => {};
  if (typeof signal.addEventListener === 'function') {
    signal.addEventListener('abort', abort, { once: true });
    return () => signal.removeEventListener?.('abort', abort);
  }
  signal.onabort = abort;
  return () => {
    signal.onabort = null;
  };
}

/** The SDK's `signer` option (RequestSigner): SigV4's headers in shape, without the hashing. */
export interface InProcessSigner {
  sign<R extends SdkRequest>(
    request: R,
    options?: { signingDate?: Date; signingRegion?: string; signingService?: string },
  ): Promise<R>;
}

const inProcessSigner: InProcessSigner = {
  async sign(request, options = {}) {
    // ISO 8601 basic format, as SigV4 dates it: 20261206T091500Z.
    const amzDate = (options.signingDate ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, '');
    const scope = `${amzDate.slice(0, 8)}/${options.signingRegion ?? 'local'}/${options.signingService ?? 'dynamodb'}/aws4_request`;
    request.headers['x-amz-date'] = amzDate;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=local/${scope}, SignedHeaders=host;x-amz-date, Signature=in-process`;
    return request;
  },
};

export interface InProcessStoreHandler {
  handle(
    request: SdkRequest,
    options?: { abortSignal?: AbortSignalLike },
  ): Promise<{ response: SdkResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** The SDK client options (`requestHandler`, `signer`) of the in-process transport. */
export interface InProcessTransport {
  requestHandler: InProcessStoreHandler;
  signer: InProcessSigner;
}

/** One request as it crosses to the store's thread: the SDK request with its body as bytes or text. */
export interface StoreRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}

/** The parts of an SDK request the store reads, with the body checked (string or bytes only). */
export function storeRequest(request: SdkRequest): StoreRequest {
  const body = storeBody(request.body);
  return {
    method: request.method,
    path: request.path,
    ...(request.query ? { query: request.query } : {}),
    headers: request.headers,
    body,
  };
}

/**
 * Hands `request` to dynalite's own request listeners on `server` (the write counter among them)
 * and resolves with dynalite's whole answer. Runs in the thread that hosts the store.
 */
export function exchange(server: Server, request: StoreRequest): Promise<SdkResponse> {
  return new Promise((resolve, reject) => {
    try {
      const body = bodyBytes(request.body);
      const incoming = requestFor(request);
      const outgoing = new CapturedResponse(resolve);
      // The fakes carry what dynalite's listener and the write counter read of a request.
      server.emit('request', incoming as IncomingMessage, outgoing as unknown as ServerResponse);
      if (body !== null && body.length > 0) incoming.emit('data', body);
      incoming.emit('end');
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * The transport to `server` (a dynalite this thread listens with at `endpoint`); once `closed()`
 * is true requests fail as a connection to a closed port does.
 */
export function inProcessTransport(
  server: Server,
  endpoint: string,
  closed: () => boolean,
): InProcessTransport {
  return transportOver((request) => exchange(server, request), endpoint, closed);
}

/**
 * The SDK transport over `send`, which takes a request to the store (in this thread, or the
 * store's worker: embedded-store.ts) and resolves with its answer. Aborts and a closed store
 * fail as Node's HTTP handler fails them.
 */
export function transportOver(
  send: (request: StoreRequest) => Promise<SdkResponse>,
  endpoint: string,
  closed: () => boolean,
): InProcessTransport {
  const requestHandler: InProcessStoreHandler = {
    handle(request, options = {}) {
      const signal = options.abortSignal;
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        if (closed()) return reject(refused(endpoint));
        const stopWatching = onAbort(signal, () => reject(abortError(signal as AbortSignalLike)));
        let sent: Promise<SdkResponse>;
        try {
          sent = send(storeRequest(request));
        } catch (error) {
          stopWatching();
          return reject(error);
        }
        sent.then(
          (response) => {
            stopWatching();
            resolve({ response });
          },
          (error: unknown) => {
            stopWatching();
            reject(error);
          },
        );
      });
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return { requestHandler, signer: inProcessSigner };
}
