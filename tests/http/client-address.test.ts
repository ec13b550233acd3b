/**
 * The client address under a real @hono/node-server (what `start` and `serve` run): the socket
 * address reaches the app, so the per-client subscription limit counts each caller, not
 * everyone as one "unknown".
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { hourWindow } from '#shared/domain/subscription-rules.ts';
import { createClientAddress } from '#shared/http/client-address.ts';
import { listen } from '../../functions/local/start.ts';
import { NOW } from '../support/builders.ts';
import { useSharedTestApp } from '../support/http-app.ts';

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function served(app: { fetch(request: Request, env?: unknown): Response | Promise<Response> }) {
  const server = await listen({ PORT: 0 }, () => app);
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('client address through @hono/node-server', () => {
  const t = useSharedTestApp();

  it('is the socket address, not "unknown"', async () => {
    const app = new Hono();
    const address = createClientAddress();
    app.get('/who', (c) => c.text(address(c)));
    const { server, origin } = await served(app);
    try {
      expect(await (await fetch(`${origin}/who`)).text()).toBe('127.0.0.1');
    } finally {
      await close(server);
    }
  });

  it('a forwarding header is ignored unless the deployment trusts a proxy', async () => {
    const app = new Hono();
    const plain = createClientAddress();
    const proxied = createClientAddress({ trustProxy: true });
    app.get('/who', (c) => c.text(`${plain(c)} ${proxied(c)}`));
    const { server, origin } = await served(app);
    try {
      const text = await (
        await fetch(`${origin}/who`, { headers: { 'X-Forwarded-For': '203.0.113.9' } })
      ).text();
      expect(text).toBe('127.0.0.1 203.0.113.9');
    } finally {
      await close(server);
    }
  });

  it('a subscription request is counted against 127.0.0.1', async () => {
    const { server, origin } = await served(t.app);
    try {
      const response = await fetch(`${origin}/api/subscriptions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'ann@example.org', topics: ['housing'], frequency: 'daily' }),
      });
      expect(response.status).toBe(202);
    } finally {
      await close(server);
    }
    const { windowStart, expiresAt } = hourWindow(new Date(NOW));
    // One request was counted for this client; a second hit makes two. Nothing went to "unknown".
    expect(await t.store.rateLimits.hit('subscribe:client:127.0.0.1', windowStart, expiresAt)).toBe(2);
    expect(await t.store.rateLimits.hit('subscribe:client:unknown', windowStart, expiresAt)).toBe(1);
  });
});
