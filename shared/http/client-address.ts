/**
 * @module Who is calling, for per-client rate limits: hono's connection info for the runtime the
 * request came through (@hono/node-server's getConnInfo: the socket; the API Gateway `sourceIp`
 * under hono/aws-lambda); a forwarding header only when the deployment says a trusted proxy sets it
 * (otherwise anyone could pick their own key). Per-client counting groups an IPv6 address by
 * its /64 (see `clientKey` in domain/subscription-rules.ts).
 */
import { getConnInfo as nodeConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export type ClientAddress = (c: Context) => string;

export interface ClientAddressOptions {
  /** Use the first `X-Forwarded-For` hop (only behind a proxy that overwrites it). */
  trustProxy?: boolean;
}

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function has(value: unknown, key: string): boolean {
  return value !== null && typeof value === 'object' && key in value;
}

function connectionAddress(c: Context): string | undefined {
  const env: unknown = c.env;
  // @hono/node-server passes `{ incoming, outgoing }`; hono/aws-lambda `{ event, requestContext, … }`.
  if (has(env, 'incoming') || (has(env, 'server') && has((env as { server: unknown }).server, 'incoming'))) {
    return nodeConnInfo(c).remote.address;
  }
  // API Gateway's `sourceIp` (v1 `identity`, v2 `http`), from `requestContext` or the event.
  // (hono/aws-lambda's getConnInfo would fall back to X-Forwarded-For, which callers can set.)
  const context = pick(env, 'requestContext') ?? pick(env, 'event', 'requestContext');
  const sourceIp = pick(context, 'identity', 'sourceIp') ?? pick(context, 'http', 'sourceIp');
  if (typeof sourceIp === 'string') return sourceIp;
  return undefined;
}

export function createClientAddress(options: ClientAddressOptions = {}): ClientAddress {
  return (c) => {
    if (options.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    return connectionAddress(c) || 'unknown';
  };
}
