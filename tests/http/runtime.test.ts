import type { Context } from 'hono';
import { handle } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { createClientAddress } from '#shared/http/client-address.ts';
import { useSharedTestApp } from '../support/http-app.ts';

function fakeContext(env: unknown, headers: Record<string, string> = {}): Context {
  return { env, req: { header: (name: string) => headers[name.toLowerCase()] } } as unknown as Context;
}

describe('createClientAddress', () => {
  const node = { incoming: { socket: { remoteAddress: '203.0.113.5' } } };
  const lambdaV2 = { event: { requestContext: { http: { sourceIp: '198.51.100.7' } } } };
  const lambdaV1 = { event: { requestContext: { identity: { sourceIp: '198.51.100.8' } } } };
  const forwarded = { 'x-forwarded-for': '192.0.2.1, 10.0.0.1' };
  it.each([
    ['node-server socket', node, {}, false, '203.0.113.5'],
    ['API Gateway v2', lambdaV2, {}, false, '198.51.100.7'],
    ['API Gateway v1', lambdaV1, {}, false, '198.51.100.8'],
    ['forwarded header ignored by default', node, forwarded, false, '203.0.113.5'],
    ['forwarded header behind a trusted proxy', node, forwarded, true, '192.0.2.1'],
    ['nothing known', {}, {}, false, 'unknown'],
  ])('%s', (_name, env, headers, trustProxy, expected) => {
    expect(createClientAddress({ trustProxy })(fakeContext(env, headers))).toBe(expected);
  });
});

describe('under hono/aws-lambda', () => {
  const t = useSharedTestApp();

  function event(method: string, path: string, sourceIp: string, body?: unknown) {
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', host: 'api.example.org' },
      requestContext: {
        accountId: '1',
        apiId: 'x',
        domainName: 'api.example.org',
        domainPrefix: 'api',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: 'test' },
        requestId: 'r',
        routeKey: '$default',
        stage: '$default',
        time: '',
        timeEpoch: 0,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      isBase64Encoded: false,
    };
  }

  it('serves the API and rate limits by the API Gateway source address', async () => {
    const handler = handle(t.app);
    const topics = (await handler(event('GET', '/api/topics', '198.51.100.1') as never, {} as never)) as {
      statusCode: number;
      body: string;
    };
    expect(topics.statusCode).toBe(200);
    expect(JSON.parse(topics.body).items).toHaveLength(3);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const body = { email: `l${i}@example.org`, topics: ['housing'], frequency: 'daily' };
      const res = (await handler(
        event('POST', '/api/subscriptions', '198.51.100.1', body) as never,
        {} as never,
      )) as {
        statusCode: number;
      };
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(20);
    expect(statuses.at(-1)).toBe(429);
    const other = (await handler(
      event('POST', '/api/subscriptions', '198.51.100.2', {
        email: 'm@example.org',
        topics: ['housing'],
        frequency: 'daily',
      }) as never,
      {} as never,
    )) as { statusCode: number };
    expect(other.statusCode).toBe(202);
  });
});
