/**
 * @module A local HTTP server for tests (node:http, 127.0.0.1, ephemeral port): named, mutable
 * routes with ETag/Last-Modified and 304s, request counting and header recording, and the
 * fault modes real sources show (errors, stalls, huge bodies, redirect loops, Retry-After).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Fault =
  /** Answers `status` (with `headers`), e.g. a 500. */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Accepts the request and never answers. */
  | { kind: 'stall-headers' }
  /** Sends headers and `prefix`, then stalls (slow body beyond any timeout). */
  | { kind: 'stall-body'; prefix?: string }
  /** Streams `bytes` of data without buffering it (chunked, no Content-Length unless `declare`). */
  | { kind: 'huge'; bytes: number; declare?: boolean }
  /** Redirects to `to` (a path on this server or an absolute URL). */
  | { kind: 'redirect'; to: string; status?: number }
  /** Answers `status` (429 by default) with `Retry-After: retryAfter` `times` times, then the route. */
  | { kind: 'retry-after'; retryAfter: string; times: number; status?: number }
  /** Closes the socket without answering. */
  | { kind: 'reset' }
  /** Sends headers, then one byte every `intervalMs` for ever (a slow drip). */
  | { kind: 'drip'; intervalMs: number };

export interface Route {
  status?: number;
  body?: string | Buffer;
  /** Full Content-Type header, e.g. `application/atom+xml; charset=utf-8`. Omitted when null. */
  contentType?: string | null;
  /** Defaults to a hash of the body; null sends none. */
  etag?: string | null;
  lastModified?: string | null;
  headers?: Record<string, string>;
  fault?: Fault;
  /** Waits this long before answering (for concurrency tests). */
  delayMs?: number;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  url(routePath: string): string;
  /** Adds or replaces a route (tests change a feed between rounds). */
  set(routePath: string, route: Route): void;
  remove(routePath: string): void;
  hits(routePath: string): number;
  /** Request headers per request to the route, oldest first. */
  requests(routePath: string): IncomingHttpHeaders[];
  /** Most requests in flight at once, over all routes. */
  peakInFlight(): number;
  close(): Promise<void>;
}

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The bytes of a file in tests/fixtures. */
export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

/** Two recorded feeds at `/bills.rss` (Parliament bills RSS) and `/changes.feed` (legislation.gov.uk Atom). */
export function recordedFeeds(): Record<string, Route> {
  return {
    '/bills.rss': {
      body: fixture('parliament-bills-allpublicbills-2017.rss.xml'),
      contentType: 'application/rss+xml; charset=utf-8',
    },
    '/changes.feed': {
      body: fixture('legislation-changes-affected-ukpga-2018-12.feed.xml'),
      contentType: 'application/atom+xml; charset=utf-8',
    },
  };
}

/** Config `sources[]` entries `bills` and `changes` for `recordedFeeds` on `server`: all backfilled, one page. */
export function recordedFeedSources(server: Pick<FixtureServer, 'url'>) {
  const common = { kind: 'feed', backfill: 'all', maxPages: 1, allowPrivateNetwork: true };
  return [
    { id: 'bills', url: server.url('/bills.rss'), ...common },
    { id: 'changes', url: server.url('/changes.feed'), ...common },
  ];
}

export async function startFixtureServer(routes: Record<string, Route> = {}): Promise<FixtureServer> {
  const table = new Map(Object.entries(routes));
  const counts = new Map<string, number>();
  const recorded = new Map<string, IncomingHttpHeaders[]>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let peak = 0;

  const server = http.createServer((req, res) => {
    const routePath = new URL(req.url ?? '/', 'http://x').pathname;
    const search = new URL(req.url ?? '/', 'http://x').search;
    const key = table.has(routePath + search) ? routePath + search : routePath;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    recorded.set(key, [...(recorded.get(key) ?? []), req.headers]);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    const route = table.get(key);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    const answer = () => serve(route, counts.get(key) ?? 1, req.headers, res, req.socket);
    if (route.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, route.delayMs);
      timers.add(timer);
    } else answer();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (routePath) => `${origin}${routePath}`,
    set: (routePath, route) => {
      table.set(routePath, route);
    },
    remove: (routePath) => {
      table.delete(routePath);
    },
    hits: (routePath) => counts.get(routePath) ?? 0,
    requests: (routePath) => recorded.get(routePath) ?? [],
    peakInFlight: () => peak,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serve(
  route: Route,
  hit: number,
  headers: IncomingHttpHeaders,
  res: ServerResponse,
  socket: Socket,
): void {
  const fault = route.fault;
  if (fault?.kind === 'reset') {
    socket.destroy();
    return;
  }
  if (fault?.kind === 'stall-headers') return;
  if (fault?.kind === 'status') {
    res
      .writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers })
      .end(`status ${fault.status}`);
    return;
  }
  if (fault?.kind === 'redirect') {
    res.writeHead(fault.status ?? 302, { location: fault.to }).end();
    return;
  }
  if (fault?.kind === 'retry-after' && hit <= fault.times) {
    res
      .writeHead(fault.status ?? 429, { 'retry-after': fault.retryAfter, 'content-type': 'text/plain' })
      .end('slow down');
    return;
  }
  const body = typeof route.body === 'string' ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
  const out: Record<string, string> = { ...route.headers };
  if (route.contentType !== null) out['content-type'] = route.contentType ?? 'application/xml';
  const etag =
    route.etag === undefined
      ? `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`
      : route.etag;
  if (etag) out.etag = etag;
  if (route.lastModified) out['last-modified'] = route.lastModified;
  const etagMatches = etag !== null && headers['if-none-match'] === etag;
  const notModifiedSince =
    headers['if-none-match'] === undefined &&
    route.lastModified != null &&
    headers['if-modified-since'] !== undefined &&
    Date.parse(headers['if-modified-since']) >= Date.parse(route.lastModified);
  if (etagMatches || notModifiedSince) {
    res.writeHead(304, etag ? { etag } : {}).end();
    return;
  }
  if (fault?.kind === 'stall-body') {
    res.writeHead(route.status ?? 200, out);
    res.write(fault.prefix ?? '<?xml version="1.0"?><rss version="2.0"><channel>');
    return;
  }
  if (fault?.kind === 'drip') {
    res.writeHead(route.status ?? 200, out);
    const timer = setInterval(() => res.write(' '), fault.intervalMs);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (fault?.kind === 'huge') {
    if (fault.declare) out['content-length'] = String(fault.bytes);
    res.writeHead(route.status ?? 200, out);
    streamHuge(res, fault.bytes);
    return;
  }
  res.writeHead(route.status ?? 200, { ...out, 'content-length': String(body.length) }).end(body);
}

/** Writes `bytes` of filler honouring backpressure, so neither side buffers it all. */
function streamHuge(res: ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => {
    left = 0;
  });
  pump();
}
