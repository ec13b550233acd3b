/**
 * @module The fetcher's per-hop pieces: URL and IP-literal checks before connecting, and reading
 * or discarding a response body within the byte cap.
 */
import type { Readable } from 'node:stream';
import { FetchError } from './errors.ts';
import { formatBytes, privateNetworkError } from './http-util.ts';
import { ipLiteral, privateRange } from './private-network.ts';

/** Validates the URL and refuses a private IP literal (names are checked at connect time). */
export function checkTarget(url: string, allowPrivate: boolean, trusted: ReadonlySet<string>): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new FetchError('bad-url', `not a valid URL: ${url}`, { url });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new FetchError(
      'bad-url',
      `only http and https URLs can be fetched, not ${target.protocol} (${url})`,
      {
        url,
      },
    );
  }
  const literal = ipLiteral(target.hostname);
  if (!allowPrivate && literal !== null && !trusted.has(literal) && privateRange(literal) !== null) {
    throw privateNetworkError(literal, url);
  }
  return target;
}

export function tooLarge(maxBytes: number, url: string, httpStatus: number): FetchError {
  return new FetchError('too-large', `response exceeded ${formatBytes(maxBytes)} limit at ${url}`, {
    url,
    httpStatus,
  });
}

/** Reads at most `maxBytes`, destroying the stream past it so memory stays bounded. */
export async function readCapped(
  body: Readable,
  maxBytes: number,
  url: string,
  status: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge(maxBytes, url, status);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Drops a body we do not need, without reading more than a little of it. */
export async function discard(
  body: Readable & { dump?: (opts?: { limit: number }) => Promise<void> },
): Promise<void> {
  try {
    if (body.dump) await body.dump({ limit: 64 * 1024 });
    else body.destroy();
  } catch {
    // Nothing to recover: the body was of no use anyway.
  }
}

export function header(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first !== '' ? first : null;
}
