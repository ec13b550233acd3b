/**
 * @module Small HTTP helpers of the fetcher: Content-Type and Retry-After parsing, and turning
 * low-level network failures (undici, Node) into precise `FetchError`s.
 */
import { FetchError } from '../errors.ts';
import { alwaysRefusedRange, PrivateAddressError } from './private-network.ts';

/** `text/html; charset=UTF-8` → `{ type: 'text/html', charset: 'utf-8' }`. */
export function parseContentType(header: string | string[] | undefined): {
  type: string | null;
  charset: string | null;
} {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { type: null, charset: null };
  const [type = '', ...params] = value.split(';');
  let charset: string | null = null;
  for (const param of params) {
    const match = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(param);
    if (match?.[1]) charset = match[1].toLowerCase();
  }
  const media = type.trim().toLowerCase();
  return { type: media === '' ? null : media, charset };
}

/** `Retry-After` (delta seconds or an HTTP date) in milliseconds from `now`; null when absent or bad. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** 10485760 → `10 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** What a list of accepted types means to a person: "a feed", "JSON", "an HTML page". */
export function describeTypes(types: readonly string[]): string {
  if (types.some((type) => type.includes('atom') || type.includes('rss'))) return 'a feed';
  if (types.includes('application/json')) return 'JSON';
  if (types.includes('text/html')) return 'an HTML page';
  return types.join(' or ');
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = current.cause;
  }
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function findPrivate(error: unknown): PrivateAddressError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof PrivateAddressError) return current;
    current = current.cause;
  }
  return null;
}

export function privateNetworkError(address: string, url: string, cause?: unknown): FetchError {
  const always = alwaysRefusedRange(address);
  return new FetchError(
    'private-network',
    always
      ? `refused ${always === 'metadata' ? 'cloud metadata' : 'link-local'} address ${address} for ${url} (never allowed, even with allowPrivateNetwork)`
      : `refused private address ${address} for ${url} (set allowPrivateNetwork to allow)`,
    { url, cause },
  );
}

/** Maps whatever undici or the socket threw to a `FetchError` naming the URL. */
export function toFetchError(error: unknown, url: string, connectTimeoutMs: number): FetchError {
  if (error instanceof FetchError) return error;
  const refused = findPrivate(error);
  if (refused) return privateNetworkError(refused.address, url, error);
  const code = codeOf(error);
  const host = hostOf(url);
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new FetchError('timeout', `connect timeout after ${seconds(connectTimeoutMs)} to ${url}`, {
        url,
        retryable: true,
        cause: error,
      });
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new FetchError('timeout', `server stopped responding at ${url}`, {
        url,
        retryable: true,
        cause: error,
      });
    case 'ENOTFOUND':
      return new FetchError('dns', `could not resolve host ${host} for ${url}`, { url, cause: error });
    case 'EAI_AGAIN':
      return new FetchError('dns', `temporary DNS failure resolving ${host} for ${url}`, {
        url,
        retryable: true,
        cause: error,
      });
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new FetchError('connect', `could not connect to ${host} for ${url} (${code})`, {
        url,
        retryable: true,
        cause: error,
      });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new FetchError('reset', `connection reset by ${host} while fetching ${url}`, {
        url,
        retryable: true,
        cause: error,
      });
  }
  if (code && TLS_CODES.test(code)) {
    return new FetchError('tls', `TLS error from ${host} for ${url}: ${detail}`, { url, cause: error });
  }
  return new FetchError('connect', `request to ${url} failed: ${detail}`, {
    url,
    retryable: true,
    cause: error,
  });
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
