/**
 * @module Errors of fetching and parsing. Their messages are shown to people as they are (CLI,
 * `/api/sources`, the dashboard), so each names what went wrong, where, and what to do.
 */

export type FetchErrorCode =
  | 'timeout'
  | 'too-large'
  | 'http-status'
  | 'private-network'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'bad-redirect'
  | 'bad-url'
  | 'bad-content-type'
  | 'content-encoding'
  | 'dns'
  | 'connect'
  | 'tls'
  | 'reset'
  | 'aborted';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly code: FetchErrorCode;
  readonly url: string;
  readonly httpStatus?: number;
  /** True when trying again later may succeed (5xx, 429, resets, timeouts). */
  readonly retryable: boolean;
  /** How long the server asked us to wait (`Retry-After`), in milliseconds, when it did. */
  readonly retryAfterMs?: number;

  constructor(
    code: FetchErrorCode,
    message: string,
    details: {
      url: string;
      httpStatus?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.url = details.url;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable ?? false;
  }
}

export type ParseErrorCode =
  | 'empty'
  | 'not-a-feed'
  | 'html-instead-of-feed'
  | 'unsafe-xml'
  | 'malformed'
  | 'encoding'
  | 'selector'
  | 'bad-shape';

/** A body that was fetched but cannot be read as the source's kind. Never retryable. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly code: ParseErrorCode;
  /** The status of the response that could not be read, set by the poller for reports. */
  httpStatus?: number;

  constructor(code: ParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Standard reason phrases, because HTTP/2 and some servers send none. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  410: 'Gone',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
