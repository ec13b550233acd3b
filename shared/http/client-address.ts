/**
 * @module Who is calling, for per-client rate limits: hono's connection info for the runtime the
 * request came through (the socket under @hono/node-server, the API Gateway `sourceIp` under
 * hono/aws-lambda); a forwarding header only when the deployment says a trusted proxy sets it
 * (otherwise anyone could pick their own key). Per-client counting groups an IPv6 address by
 * its /64 (see `clientKey` in mail/subscription-rules.ts).
 */
import { getConnInfo as nodeConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { getConnInfo as lambdaConnInfo } from 'hono/aws-lambda';

export type ClientAddress = (c: Context) => string;

export interface ClientAddressOptions {
  /** Use the first `X-Forwarded-For` hop (only behind a proxy that overwrites it). */
  trustProxy?: boolean;
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
  if (has(env, 'requestContext')) {
    const context = (env as { requestContext: unknown }).requestContext;
    if (has(context, 'identity') || has(context, 'http')) return lambdaConnInfo(c as never).remote.address;
  }
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
