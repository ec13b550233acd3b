/**
 * @module The bench's fixture server: one route table served on several loopback addresses
 * (127.0.0.2, 127.0.0.3, ...: all of 127/8 answers on Linux), as real sources are spread over
 * publishers. Strong ETags and 304s; one "huge" route streams filler without buffering it.
 * It runs in a worker thread (hosts-worker.ts), so serving the fixtures never shares an event
 * loop with what is measured: the in-process round runs a poll cycle in the bench's own thread,
 * and the peers, like the `poll` child process, never pay for the server's work either.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

export interface BenchRoute {
  body: string;
  contentType: string;
}

export interface BenchHosts {
  /** The URL of `path` on the `index`th address (round robin over the addresses). */
  url(index: number, path: string): string;
  set(path: string, route: BenchRoute): void;
  /** Streams `bytes` of filler (after an Atom prologue) from `path`. */
  setHuge(path: string, bytes: number): void;
  hosts: string[];
  close(): Promise<void>;
}

interface Stored {
  body: Buffer;
  etag: string;
  contentType: string;
}

/** The server itself, as the worker runs it. */
export async function serveBenchHosts(addresses: number): Promise<BenchHosts> {
  const routes = new Map<string, Stored>();
  const huge = new Map<string, number>();
  const sockets = new Set<Socket>();
  const handler: http.RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const bytes = huge.get(path);
    if (bytes !== undefined) {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      streamFiller(res, bytes);
      return;
    }
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    if (req.headers['if-none-match'] === route.etag) {
      res.writeHead(304, { etag: route.etag }).end();
      return;
    }
    res
      .writeHead(200, {
        'content-type': route.contentType,
        etag: route.etag,
        'content-length': String(route.body.length),
      })
      .end(route.body);
  };
  const hosts = Array.from({ length: addresses }, (_, i) => `127.0.0.${i + 2}`);
  const servers = await Promise.all(
    hosts.map(async (host) => {
      const server = http.createServer({ keepAliveTimeout: 5000 }, handler);
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
    }),
  );
  return {
    hosts,
    url: (index, path) => `${servers[index % servers.length]?.origin}${path}`,
    set(path, route) {
      const body = Buffer.from(route.body);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 20)}"`;
      routes.set(path, { body, etag, contentType: route.contentType });
    },
    setHuge(path, bytes) {
      huge.set(path, bytes);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

/** An Atom prologue, then filler inside one summary; the pipeline honours backpressure. */
function streamFiller(res: http.ServerResponse, bytes: number): void {
  const head = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Huge</title><entry><id>huge</id><title>Huge</title><summary>',
  );
  const tail = Buffer.from('</summary></entry></feed>\n');
  const chunk = Buffer.alloc(64 * 1024, 'x');
  function* pieces() {
    yield head;
    for (let left = bytes - head.length - tail.length; left > 0; left -= chunk.length)
      yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    yield tail;
  }
  // A client that stops reading early (the body cap) just ends the pipeline.
  pipeline(Readable.from(pieces(), { objectMode: false }), res, () => {});
}

type HostsReply = { type: 'started'; origins: string[] } | { type: 'ready'; id: number };

/** Starts the fixture server in a worker thread; `ready()` resolves once every `set` is applied. */
export async function startBenchHosts(addresses: number): Promise<BenchHosts & { ready(): Promise<void> }> {
  // The bench runs under tsx, whose loader a worker thread does not inherit: it registers it first.
  const script = new URL('./hosts-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { addresses } });
  const waiting = new Map<number, () => void>();
  let nextId = 0;
  const origins = await new Promise<string[]>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: HostsReply) => {
      if (message.type === 'started') resolve(message.origins);
      else waiting.get(message.id)?.();
    });
  });
  return {
    hosts: origins.map((origin) => new URL(origin).hostname),
    url: (index, path) => `${origins[index % origins.length]}${path}`,
    set: (path, route) => worker.postMessage({ type: 'set', path, route }),
    setHuge: (path, bytes) => worker.postMessage({ type: 'huge', path, bytes }),
    ready() {
      const id = nextId++;
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ type: 'ready', id });
      });
    },
    async close() {
      worker.postMessage({ type: 'close' });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
