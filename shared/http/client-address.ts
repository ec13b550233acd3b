/**
 * @module Who is calling, for per-client rate limits. The socket address under
 * @hono/node-server, the API Gateway `sourceIp` under hono/aws-lambda; a forwarding header only
 * when the deployment says a trusted proxy sets it (otherwise anyone could pick their own key).
 */
import type { Context } from 'hono';

export type ClientAddress = (c: Context) => string;

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export interface ClientAddressOptions {
  /** Use the first `X-Forwarded-For` hop (only behind a proxy that overwrites it). */
  trustProxy?: boolean;
}

export function createClientAddress(options: ClientAddressOptions = {}): ClientAddress {
  return (c) => {
    if (options.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    const env: unknown = c.env;
    const candidates = [
      pick(env, 'incoming', 'socket', 'remoteAddress'),
      pick(env, 'event', 'requestContext', 'http', 'sourceIp'),
      pick(env, 'event', 'requestContext', 'identity', 'sourceIp'),
    ];
    const found = candidates.find((value): value is string => typeof value === 'string' && value !== '');
    return found ?? 'unknown';
  };
}
