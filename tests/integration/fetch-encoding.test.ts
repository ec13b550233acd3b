/**
 * Servers that compress although we send `Accept-Encoding: identity`: the body is decompressed
 * (gzip, deflate, br), the byte cap counts decompressed bytes (a compression bomb fails as too
 * large), and a corrupt or unknown encoding fails with a message that says so.
 */

import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '#shared/sources/errors.ts';
import { createHttpFetcher, type HttpFetcher } from '#shared/sources/fetch/fetcher.ts';
import { useFixtureServer } from '../support/hooks.ts';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Café</title></channel></rss>';
const TYPES = ['application/rss+xml'];

let fetcher: HttpFetcher;

const compressed = (encoding: string, body: Buffer) => ({
  body,
  contentType: 'application/rss+xml; charset=utf-8',
  headers: { 'content-encoding': encoding },
});

const server = useFixtureServer(() => {
  const feed = Buffer.from(FEED);
  return {
    '/gzip': compressed('gzip', zlib.gzipSync(feed)),
    '/x-gzip': compressed('x-gzip', zlib.gzipSync(feed)),
    '/deflate': compressed('deflate', zlib.deflateSync(feed)),
    '/br': compressed('br', zlib.brotliCompressSync(feed)),
    '/identity': compressed('identity', feed),
    // 64 MiB of spaces compress to about 64 KiB.
    '/bomb': compressed('gzip', zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20))),
    '/corrupt': compressed('gzip', Buffer.from('this is not gzip at all')),
    '/zstd': compressed('zstd', feed),
  };
});
beforeAll(async () => {
  fetcher = createHttpFetcher({ userAgent: 'policy-watch/test (+mailto:t@example.org; T)', retries: 0 });
});

afterAll(async () => {
  await fetcher?.close();
});

const get = (path: string, maxBytes?: number) =>
  fetcher.fetch({
    url: server.url(path),
    allowPrivateNetwork: true,
    acceptTypes: TYPES,
    ...(maxBytes === undefined ? {} : { maxBytes }),
  });

async function failure(path: string, maxBytes?: number): Promise<FetchError> {
  const error = await get(path, maxBytes).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe('Content-Encoding the server chose anyway', () => {
  it.each(['/gzip', '/x-gzip', '/deflate', '/br', '/identity'])(
    '%s is read as the document',
    async (path) => {
      const result = await get(path);
      expect(result.status).toBe('ok');
      if (result.status === 'ok') expect(result.body.toString('utf8')).toBe(FEED);
      expect(server.requests(path)[0]?.['accept-encoding']).toBe('identity');
    },
  );

  it('counts decompressed bytes against the cap, so a compression bomb fails as too large', async () => {
    const error = await failure('/bomb', 1024 * 1024);
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/exceeded 1 MiB limit/);
  });

  it.each([
    { path: '/corrupt', message: /could not decompress the gzip body/ },
    { path: '/zstd', message: /unsupported Content-Encoding "zstd"/ },
  ])('$path fails with a content-encoding error', async ({ path, message }) => {
    const error = await failure(path);
    expect(error.code).toBe('content-encoding');
    expect(error.message).toMatch(message);
    expect(error.retryable).toBe(false);
  });
});
