/**
 * @module A fault-injecting HTTP proxy in front of dynalite: each DynamoDB request is passed on,
 * or answered as DynamoDB answers when it throttles (400 ThrottlingException) or fails (500
 * InternalServerError), as the test's `decide` says.
 */

import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyAction = 'pass' | 'throttle' | 'fail';

export interface StoreProxy {
  endpoint: string;
  /**
   * Decides each request; `n` counts requests since the last `reset`, `attempt` how many times
   * the same body came before (an SDK retry repeats it).
   */
  decide: (request: { n: number; target: string; attempt: number }) => ProxyAction;
  readonly counts: Record<ProxyAction, number>;
  reset(decide: StoreProxy['decide']): void;
  close(): Promise<void>;
}

const ERRORS = {
  throttle: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  fail: {
    status: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
} as const;

export async function startStoreProxy(upstream: string): Promise<StoreProxy> {
  const target = new URL(upstream);
  let n = 0;
  const seen = new Map<string, number>();
  const proxy: StoreProxy = {
    endpoint: '',
    decide: () => 'pass',
    counts: { pass: 0, throttle: 0, fail: 0 },
    reset(decide) {
      n = 0;
      seen.clear();
      proxy.decide = decide;
      for (const key of Object.keys(proxy.counts) as ProxyAction[]) proxy.counts[key] = 0;
    },
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const digest = createHash('sha256').update(body).digest('hex');
      const attempt = seen.get(digest) ?? 0;
      seen.set(digest, attempt + 1);
      const action = proxy.decide({ n: n++, target: String(req.headers['x-amz-target'] ?? ''), attempt });
      proxy.counts[action]++;
      if (action !== 'pass') {
        const error = ERRORS[action];
        res.writeHead(error.status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: error.type, message: error.message }));
        return;
      }
      const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
      const upstreamReq = httpRequest(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstreamReq.on('error', () => res.destroy());
      upstreamReq.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
