/**
 * Staff keys with any Unicode match over Bearer and Basic (compared as UTF-8 bytes, whatever
 * form the runtime hands the header in), and a POST with remembered Basic credentials that a
 * browser could send by itself is refused unless it is JSON or same-origin.
 */
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/http/app.ts';
import { isAmbientCredentialWrite, presentedKey } from '#shared/http/auth.ts';
import { listen } from '../../functions/local/start.ts';
import { basic, useSharedTestApp } from '../support/http-app.ts';

const KEYS = ['clé-secrète-ŵ-🔑-0123456789', 'مفتاح-سري-0123456789', 'café-latin1-only-key'];
/** What Node's HTTP parser hands over for UTF-8 header bytes: one character per byte. */
const onTheWire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const t = useSharedTestApp();
let app: ReturnType<typeof createApp>;
beforeAll(() => {
  app = createApp({ ...t.deps, staffKeys: KEYS });
});

describe('non-ASCII staff keys', () => {
  it.each(KEYS)('%s matches over Bearer as sent on the wire (UTF-8 bytes)', async (key) => {
    expect(presentedKey(`Bearer ${onTheWire(key)}`)).toBe(key);
    const res = await app.request('/api/factsheets', {
      headers: { Authorization: `Bearer ${onTheWire(key)}` },
    });
    expect(res.status).toBe(200);
  });

  it.each(KEYS)('%s matches over Basic (UTF-8 in base64)', async (key) => {
    const res = await app.request('/api/factsheets', { headers: basic(key) });
    expect(res.status).toBe(200);
    expect((await app.request('/staff', { headers: basic(key) })).status).toBe(200);
  });

  it('a Basic password in ISO-8859-1 (older clients) still matches', async () => {
    const credentials = Buffer.from(`staff:${KEYS[2]}`, 'latin1').toString('base64');
    expect(
      (await app.request('/api/factsheets', { headers: { Authorization: `Basic ${credentials}` } })).status,
    ).toBe(200);
  });

  it('a near miss is still refused', async () => {
    const res = await app.request('/api/factsheets', {
      headers: { Authorization: `Bearer ${onTheWire('clé-secrète-w-🔑-0123456789')}` },
    });
    expect(res.status).toBe(401);
  });

  it('through a real node server with raw UTF-8 header bytes', async () => {
    const server: Server = await listen({ PORT: 0 }, () => app);
    try {
      const port = (server.address() as AddressInfo).port;
      const status = await new Promise<number>((done, fail) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/factsheets',
            headers: { Authorization: `Bearer ${onTheWire(KEYS[0]!)}` },
          },
          (res) => {
            res.resume();
            done(res.statusCode ?? 0);
          },
        );
        req.on('error', fail);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    }
  });
});

describe('writes with remembered Basic credentials', () => {
  it.each([
    ['POST', 'Basic x', undefined, undefined, true],
    ['POST', 'Basic x', undefined, 'application/x-www-form-urlencoded', true],
    ['POST', 'Basic x', undefined, 'text/plain', true],
    ['POST', 'Basic x', undefined, 'application/json', false],
    ['POST', 'Basic x', 'same-origin', undefined, false],
    ['POST', 'Basic x', 'none', undefined, false],
    ['POST', 'Bearer x', undefined, undefined, false],
    ['DELETE', 'Basic x', undefined, undefined, false],
    ['GET', 'Basic x', undefined, undefined, false],
  ] as const)(
    '%s %s Sec-Fetch-Site=%s Content-Type=%s → refused: %s',
    (method, auth, site, type, refused) => {
      expect(isAmbientCredentialWrite(method, auth, site, type)).toBe(refused);
    },
  );

  it('a body-less review POST without Sec-Fetch-Site is refused and records nothing', async () => {
    const forged = await t.app.request('/api/factsheets/lsp/review', { method: 'POST', headers: basic() });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toMatch(
      /must be sent as JSON/,
    );
    const form = await t.app.request('/api/factsheets/lsp/review', {
      method: 'POST',
      headers: { ...basic(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'note=x',
    });
    expect(form.status).toBe(401);
    expect(await t.store.factsheets.reviews('lsp')).toEqual([]);
    const json = await t.app.request('/api/factsheets/lsp/review', {
      method: 'POST',
      headers: { ...basic(), 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(200);
  });
});
