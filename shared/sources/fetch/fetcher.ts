/**
 * @module The one real `Fetcher`: undici with conditional GET, manual redirects (each hop
 * re-checked against the private-network rule), total timeout, a streamed body cap, a content-type
 * check, per-host politeness and bounded retries with full-jitter backoff (docs/contract.md §2).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { asciiDomainEmail, toReadableAscii } from '../../domain/ascii.ts';
import type { Fetcher, FetchRequest, FetchResult } from '../../domain/ports.ts';
import { FetchError, reasonPhrase } from '../errors.ts';
import { checkTarget, discard, header, readCapped, tooLarge } from './body.ts';
import { HostGate } from './host-gate.ts';
import { describeTypes, parseContentType, parseRetryAfter, seconds, toFetchError } from './http-util.ts';
import { guardedLookup, type HostResolver, systemResolver } from './private-network.ts';
import { Agent, request as undiciRequest } from './undici-core.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

export interface HttpFetcherOptions {
  /** Sent on every request; build it with `userAgent()`. */
  userAgent: string;
  /** Requests in flight per host; default 2. */
  perHostConcurrency?: number;
  /** Request starts per second per host; default 5. */
  perHostRatePerSecond?: number;
  /** Retries of transient failures (5xx, 429, resets, timeouts); default 2. */
  retries?: number;
  /** First backoff step; default 1 s, doubled each retry, capped at 30 s, full jitter. */
  backoffMs?: number;
  /** Longest `Retry-After` honoured; a longer one fails the request instead; default 120 s. */
  maxRetryAfterMs?: number;
  connectTimeoutMs?: number;
  /** Host name resolution (injectable: tests map a public-looking name to 127.0.0.1). */
  lookup?: HostResolver;
  /**
   * Host names exempt from the private-network rule, e.g. a local mirror. Their redirects to
   * other hosts are still checked.
   */
  trustedHosts?: readonly string[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface HttpFetcher extends Fetcher {
  /** Most requests seen in flight at once for `host` (`name:port` as in the URL). */
  peakConcurrency(host: string): number;
  close(): Promise<void>;
}

/** Longest organisation name and contact kept in the User-Agent (servers refuse huge headers). */
export const USER_AGENT_NAME_MAX = 100;
export const USER_AGENT_CONTACT_MAX = 120;

/**
 * `policy-watch/<version> (+mailto:<contact>; <organisation>)`. A header value cannot carry
 * Unicode, so each part is rendered as readable ASCII (’ → ', é → e; see docs/contract.md,
 * Fetching) and bounded, so any organisation name makes a valid header of a few hundred bytes.
 */
export function userAgent(version: string, organisation: string, contact: string): string {
  // Parentheses would end the comment early.
  const clean = (text: string, max: number) => toReadableAscii(text.replace(/[()]/g, ' '), max);
  const name = clean(organisation, USER_AGENT_NAME_MAX);
  const mailto = clean(asciiDomainEmail(contact), USER_AGENT_CONTACT_MAX);
  return `policy-watch/${clean(version, 40)} (+mailto:${mailto}${name ? `; ${name}` : ''})`;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function createHttpFetcher(options: HttpFetcherOptions): HttpFetcher {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const random = options.random ?? Math.random;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const resolver = options.lookup ?? systemResolver;
  const trusted = new Set((options.trustedHosts ?? []).map((host) => host.toLowerCase()));
  const agent = (allowPrivate: boolean) =>
    new Agent({
      connect: { lookup: guardedLookup(resolver, allowPrivate, trusted), timeout: connectTimeoutMs },
      keepAliveTimeout: 4000,
    });
  const agents = { strict: agent(false), open: agent(true) };
  const gate = new HostGate({
    concurrency: options.perHostConcurrency ?? 2,
    ratePerSecond: options.perHostRatePerSecond ?? 5,
    now,
    sleep,
  });

  async function fetchWithRetries(request: FetchRequest): Promise<FetchResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchOnce(request);
      } catch (error) {
        const failure =
          error instanceof FetchError
            ? error
            : request.signal?.aborted
              ? new FetchError('aborted', `fetch of ${request.url} was cancelled`, {
                  url: request.url,
                  cause: error,
                })
              : toFetchError(error, request.url, connectTimeoutMs);
        if (!failure.retryable || attempt >= retries || request.signal?.aborted) throw failure;
        if (failure.retryAfterMs !== undefined) {
          if (failure.retryAfterMs > maxRetryAfterMs) throw failure;
          // Everyone going to that host waits, not just this request.
          gate.pause(new URL(failure.url).host, now() + failure.retryAfterMs);
        } else {
          await sleep(Math.floor(random() * Math.min(30_000, backoffMs * 2 ** attempt)), request.signal);
        }
      }
    }
  }

  async function fetchOnce(request: FetchRequest): Promise<FetchResult> {
    // The time budget covers network time only: waiting for a politeness slot does not count.
    const budget = { remainingMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    const maxRedirects = request.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    const seen = new Set<string>();
    let url = request.url;
    for (let hop = 0; ; hop++) {
      seen.add(url);
      const outcome = await fetchHop(request, url, budget);
      if (outcome.kind === 'done') return outcome.result;
      const next = outcome.location;
      if (seen.has(next)) {
        throw new FetchError('redirect-loop', `redirect loop at ${url} (back to ${next})`, {
          url: request.url,
        });
      }
      if (hop + 1 > maxRedirects) {
        throw new FetchError(
          'too-many-redirects',
          `more than ${maxRedirects} redirects from ${request.url}`,
          {
            url: request.url,
          },
        );
      }
      url = next;
    }
  }

  type Hop = { kind: 'done'; result: FetchResult } | { kind: 'redirect'; location: string };

  async function fetchHop(request: FetchRequest, url: string, budget: { remainingMs: number }): Promise<Hop> {
    const target = checkTarget(url, request.allowPrivateNetwork === true, trusted);
    const release = await gate.acquire(target.host, request.signal);
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), Math.max(1, budget.remainingMs));
    const signal = request.signal ? AbortSignal.any([deadline.signal, request.signal]) : deadline.signal;
    try {
      const headers: Record<string, string> = {
        'user-agent': options.userAgent,
        accept: request.accept ?? '*/*',
        // Identity only: no decompression bombs, and the byte cap means what it says.
        'accept-encoding': 'identity',
      };
      if (request.etag) headers['if-none-match'] = request.etag;
      if (request.lastModified) headers['if-modified-since'] = request.lastModified;
      const response = await undiciRequest(request.allowPrivateNetwork ? agents.open : agents.strict, url, {
        method: 'GET',
        headers,
        signal,
        headersTimeout: Math.max(1, budget.remainingMs),
        bodyTimeout: Math.max(1, budget.remainingMs),
      });
      const status = response.statusCode;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && typeof location === 'string' && location !== '') {
        await discard(response.body);
        let next: string;
        try {
          next = new URL(location, url).href;
        } catch {
          throw new FetchError('bad-redirect', `invalid redirect location "${location}" from ${url}`, {
            url,
          });
        }
        return { kind: 'redirect', location: next };
      }
      if (status === 304) {
        await discard(response.body);
        return { kind: 'done', result: { status: 'not-modified', httpStatus: 304, url } };
      }
      if (status < 200 || status >= 300) {
        await discard(response.body);
        const reason = response.statusText || reasonPhrase(status);
        const retryAfterMs =
          status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after'], now()) : null;
        const wait =
          retryAfterMs === null ? '' : ` (Retry-After ${seconds(Math.ceil(retryAfterMs / 1000) * 1000)})`;
        throw new FetchError(
          'http-status',
          `HTTP ${status}${reason ? ` ${reason}` : ''} from ${url}${wait}`,
          {
            url,
            httpStatus: status,
            retryable: RETRYABLE_STATUS.has(status),
            ...(retryAfterMs === null ? {} : { retryAfterMs }),
          },
        );
      }
      const { type, charset } = parseContentType(response.headers['content-type']);
      const accepted = request.acceptTypes;
      // A missing type is let through: the parser sniffs the body.
      if (accepted && accepted.length > 0 && type !== null && !accepted.includes(type)) {
        await discard(response.body);
        throw new FetchError(
          'bad-content-type',
          `expected ${describeTypes(accepted)} but got ${type} at ${url}`,
          {
            url,
            httpStatus: status,
          },
        );
      }
      const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.destroy();
        throw tooLarge(maxBytes, url, status);
      }
      const encoding = header(response.headers['content-encoding']);
      const body = await readCapped(response.body, maxBytes, url, status, encoding);
      return {
        kind: 'done',
        result: {
          status: 'ok',
          httpStatus: status,
          url,
          body,
          contentType: type,
          charset,
          etag: header(response.headers.etag),
          lastModified: header(response.headers['last-modified']),
        },
      };
    } catch (error) {
      if (deadline.signal.aborted) {
        throw new FetchError('timeout', `timed out after ${seconds(timeoutMs)} fetching ${url}`, {
          url,
          retryable: true,
          cause: error,
        });
      }
      if (request.signal?.aborted) {
        throw new FetchError('aborted', `fetch of ${url} was cancelled`, { url, cause: error });
      }
      throw toFetchError(error, url, connectTimeoutMs);
    } finally {
      clearTimeout(timer);
      budget.remainingMs -= Math.max(0, now() - started);
      release();
    }
  }

  return {
    fetch: fetchWithRetries,
    peakConcurrency: (host) => gate.peak.get(host) ?? 0,
    async close() {
      await Promise.all([agents.strict.close(), agents.open.close()]);
    },
  };
}
