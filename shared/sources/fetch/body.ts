/**
 * @module The fetcher's per-hop pieces: URL and IP-literal checks before connecting, and reading
 * or discarding a response body within the byte cap.
 */
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from '../errors.ts';
import { formatBytes, privateNetworkError } from './http-util.ts';
import { alwaysRefusedRange, ipLiteral, privateRange } from './private-network.ts';

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
  if (literal !== null && alwaysRefusedRange(literal) !== null) throw privateNetworkError(literal, url);
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

/**
 * Reads at most `maxBytes` of the body, destroying the stream past it so memory stays bounded.
 * We ask for `identity`, but some servers and CDNs compress anyway: gzip, deflate and br bodies
 * are decompressed here, and the cap counts decompressed bytes, so a compression bomb fails as
 * "too large" after `maxBytes` rather than filling memory.
 */
export async function readCapped(
  body: Readable,
  maxBytes: number,
  url: string,
  status: number,
  contentEncoding: string | null = null,
): Promise<Buffer> {
  let bodyError: unknown = null;
  body.once('error', (error) => {
    bodyError = error;
  });
  const stream = decompressed(body, contentEncoding, url, status);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) throw tooLarge(maxBytes, url, status);
      chunks.push(buffer);
    }
  } catch (error) {
    body.destroy();
    if (stream !== body) stream.destroy();
    // Network trouble (a reset, the deadline) is reported as such, not as bad compression.
    if (error instanceof FetchError || stream === body) throw error;
    if (bodyError !== null) throw bodyError;
    throw new FetchError(
      'content-encoding',
      `could not decompress the ${contentEncoding} body from ${url}: ${(error as Error).message}`,
      { url, httpStatus: status, cause: error },
    );
  }
  return Buffer.concat(chunks, size);
}

/** The body with its `Content-Encoding` undone; an encoding we cannot undo fails the request. */
function decompressed(body: Readable, encoding: string | null, url: string, status: number): Readable {
  const codings = (encoding ?? '')
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return body;
  const coding = codings.length === 1 ? codings[0] : null;
  // `createUnzip` reads both gzip and zlib-wrapped deflate, whichever the server really sent.
  const inflate =
    coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate'
      ? zlib.createUnzip()
      : coding === 'br'
        ? zlib.createBrotliDecompress()
        : null;
  // pipeline, not pipe: an error on the network side must end the decompressed stream too.
  if (inflate) return pipeline(body, inflate, () => {});
  body.destroy();
  throw new FetchError(
    'content-encoding',
    `unsupported Content-Encoding "${encoding}" from ${url} (we ask for identity; gzip, deflate and br are read)`,
    { url, httpStatus: status },
  );
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
