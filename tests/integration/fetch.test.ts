import { afterAll, describe, expect, it } from 'vitest';
import { FetchError } from '#shared/sources/errors.ts';
import { createHttpFetcher, type HttpFetcherOptions } from '#shared/sources/fetch/fetcher.ts';
import type { ResolvedAddress } from '#shared/sources/fetch/private-network.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { useFixtureServer } from '../support/hooks.ts';

const UA = 'policy-watch/0.1.0 (+mailto:policy@example.org; Example Trust)';
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';
const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/xml', 'text/xml'];

const fetchers: Array<{ close(): Promise<void> }> = [];

/** Maps test host names to loopback, as a hostile DNS answer would. */
const lookup = async (hostname: string): Promise<ResolvedAddress[]> => {
  if (hostname === 'feeds.public.test' || hostname === 'localhost')
    return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'internal.public.test') return [{ address: '10.1.2.3', family: 4 }];
  if (hostname === 'mixed.public.test') {
    return [
      { address: '93.184.216.34', family: 4 },
      { address: '192.168.1.1', family: 4 },
    ];
  }
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

/** A fetcher on a virtual clock: sleeps are recorded and return at once. */
function makeFetcher(overrides: Partial<HttpFetcherOptions> = {}) {
  const clock = { now: 1_800_000_000_000, sleeps: [] as number[] };
  const fetcher = createHttpFetcher({
    userAgent: UA,
    retries: 0,
    lookup,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
    },
    random: () => 0.5,
    ...overrides,
  });
  fetchers.push(fetcher);
  return { fetcher, clock };
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

const server = useFixtureServer({
  '/feed': {
    body: FEED,
    contentType: 'application/rss+xml; charset=UTF-8',
    lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT',
  },
});

afterAll(async () => {
  await Promise.all(fetchers.map((fetcher) => fetcher.close()));
});

describe('conditional GET', () => {
  it('returns the body with its validators, sending User-Agent and Accept', async () => {
    const { fetcher } = makeFetcher();
    const result = await fetcher.fetch({
      url: server.url('/feed'),
      allowPrivateNetwork: true,
      accept: 'application/rss+xml',
    });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.body.toString()).toBe(FEED);
    expect(result).toMatchObject({
      httpStatus: 200,
      contentType: 'application/rss+xml',
      charset: 'utf-8',
      lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT',
      url: server.url('/feed'),
    });
    expect(result.etag).toMatch(/^".+"$/);
    const headers = server.requests('/feed').at(-1);
    expect(headers?.['user-agent']).toBe(UA);
    expect(headers?.accept).toBe('application/rss+xml');
  });

  it('sends the validators back and reports 304 as not-modified', async () => {
    const { fetcher } = makeFetcher();
    const first = await fetcher.fetch({ url: server.url('/feed'), allowPrivateNetwork: true });
    if (first.status !== 'ok') throw new Error('expected ok');
    const second = await fetcher.fetch({
      url: server.url('/feed'),
      allowPrivateNetwork: true,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(second).toEqual({ status: 'not-modified', httpStatus: 304, url: server.url('/feed') });
    const headers = server.requests('/feed').at(-1);
    expect(headers?.['if-none-match']).toBe(first.etag);
    expect(headers?.['if-modified-since']).toBe('Tue, 03 Nov 2026 10:00:00 GMT');
  });

  it('answers 304 on If-Modified-Since alone, and 200 once the route changes', async () => {
    server.set('/mutable', {
      body: 'one',
      contentType: 'text/xml',
      etag: null,
      lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT',
    });
    const { fetcher } = makeFetcher();
    const unchanged = await fetcher.fetch({
      url: server.url('/mutable'),
      allowPrivateNetwork: true,
      lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT',
    });
    expect(unchanged.status).toBe('not-modified');
    server.set('/mutable', {
      body: 'two',
      contentType: 'text/xml',
      etag: null,
      lastModified: 'Wed, 04 Nov 2026 10:00:00 GMT',
    });
    const changed = await fetcher.fetch({
      url: server.url('/mutable'),
      allowPrivateNetwork: true,
      lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT',
    });
    expect(changed.status === 'ok' && changed.body.toString()).toBe('two');
  });
});

describe('fault modes', () => {
  it('fails on HTTP 500 after bounded retries with jittered backoff', async () => {
    server.set('/500', { fault: { kind: 'status', status: 500 } });
    const { fetcher, clock } = makeFetcher({ retries: 2, backoffMs: 1000 });
    const error = await failure(fetcher.fetch({ url: server.url('/500'), allowPrivateNetwork: true }));
    expect(error.code).toBe('http-status');
    expect(error.httpStatus).toBe(500);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`HTTP 500 Internal Server Error from ${server.url('/500')}`);
    expect(server.hits('/500')).toBe(3);
    // random() = 0.5 of 1 s, then of 2 s.
    expect(clock.sleeps.filter((ms) => ms >= 500)).toEqual([500, 1000]);
  });

  it('does not retry a 404', async () => {
    server.set('/404', { fault: { kind: 'status', status: 404 } });
    const { fetcher } = makeFetcher({ retries: 2 });
    const error = await failure(fetcher.fetch({ url: server.url('/404'), allowPrivateNetwork: true }));
    expect(error.message).toBe(`HTTP 404 Not Found from ${server.url('/404')}`);
    expect(error.retryable).toBe(false);
    expect(server.hits('/404')).toBe(1);
  });

  it.each([
    ['no headers at all', { kind: 'stall-headers' } as const],
    ['headers then a stalled body', { kind: 'stall-body' } as const],
  ])('times out when the server sends %s', async (_name, fault) => {
    const routePath = `/stall-${fault.kind}`;
    server.set(routePath, { fault, contentType: 'application/rss+xml' });
    const { fetcher } = makeFetcher({ now: Date.now });
    const error = await failure(
      fetcher.fetch({ url: server.url(routePath), allowPrivateNetwork: true, timeoutMs: 300 }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`timed out after 300 ms fetching ${server.url(routePath)}`);
    expect(error.retryable).toBe(true);
  });

  it('aborts a 50 MiB body at the 10 MiB limit with bounded memory', async () => {
    server.set('/huge', {
      fault: { kind: 'huge', bytes: 50 * 1024 * 1024 },
      contentType: 'application/rss+xml',
    });
    const { fetcher } = makeFetcher();
    const before = process.memoryUsage().rss;
    const error = await failure(fetcher.fetch({ url: server.url('/huge'), allowPrivateNetwork: true }));
    const growth = process.memoryUsage().rss - before;
    expect(error.code).toBe('too-large');
    expect(error.message).toBe(`response exceeded 10 MiB limit at ${server.url('/huge')}`);
    console.info(`rss growth while refusing 50 MiB: ${(growth / 1024 / 1024).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(30 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit without reading it', async () => {
    server.set('/declared', {
      fault: { kind: 'huge', bytes: 2 * 1024 * 1024, declare: true },
      contentType: 'text/xml',
    });
    const { fetcher } = makeFetcher();
    const error = await failure(
      fetcher.fetch({ url: server.url('/declared'), allowPrivateNetwork: true, maxBytes: 1024 * 1024 }),
    );
    expect(error.message).toBe(`response exceeded 1 MiB limit at ${server.url('/declared')}`);
  });

  it('follows redirects and reports the final URL', async () => {
    server.set('/moved', { fault: { kind: 'redirect', to: '/feed', status: 301 } });
    const { fetcher } = makeFetcher();
    const result = await fetcher.fetch({ url: server.url('/moved'), allowPrivateNetwork: true });
    expect(result.status === 'ok' && result.url).toBe(server.url('/feed'));
  });

  it('detects a redirect loop', async () => {
    server.set('/loop-a', { fault: { kind: 'redirect', to: '/loop-b' } });
    server.set('/loop-b', { fault: { kind: 'redirect', to: '/loop-a' } });
    const { fetcher } = makeFetcher();
    const error = await failure(fetcher.fetch({ url: server.url('/loop-a'), allowPrivateNetwork: true }));
    expect(error.code).toBe('redirect-loop');
    expect(error.message).toBe(
      `redirect loop at ${server.url('/loop-b')} (back to ${server.url('/loop-a')})`,
    );
  });

  it('stops after 5 redirects', async () => {
    for (let hop = 0; hop < 7; hop++)
      server.set(`/chain-${hop}`, { fault: { kind: 'redirect', to: `/chain-${hop + 1}` } });
    const { fetcher } = makeFetcher();
    const error = await failure(fetcher.fetch({ url: server.url('/chain-0'), allowPrivateNetwork: true }));
    expect(error.code).toBe('too-many-redirects');
    expect(error.message).toBe(`more than 5 redirects from ${server.url('/chain-0')}`);
    expect(server.hits('/chain-5')).toBe(1);
    expect(server.hits('/chain-6')).toBe(0);
  });

  it('rejects HTML where a feed is expected', async () => {
    server.set('/html', {
      body: '<!doctype html><title>Home</title>',
      contentType: 'text/html; charset=utf-8',
    });
    const { fetcher } = makeFetcher();
    const error = await failure(
      fetcher.fetch({ url: server.url('/html'), allowPrivateNetwork: true, acceptTypes: FEED_TYPES }),
    );
    expect(error.code).toBe('bad-content-type');
    expect(error.message).toBe(`expected a feed but got text/html at ${server.url('/html')}`);
  });

  it('reports a reset connection as retryable', async () => {
    server.set('/reset', { fault: { kind: 'reset' } });
    const { fetcher } = makeFetcher({ retries: 1 });
    const error = await failure(fetcher.fetch({ url: server.url('/reset'), allowPrivateNetwork: true }));
    expect(error.code).toBe('reset');
    expect(error.retryable).toBe(true);
    expect(server.hits('/reset')).toBe(2);
  });

  it('reports an unknown host as a DNS failure', async () => {
    const { fetcher } = makeFetcher();
    const error = await failure(fetcher.fetch({ url: 'https://nowhere.invalid/feed' }));
    expect(error.code).toBe('dns');
    expect(error.message).toBe('could not resolve host nowhere.invalid for https://nowhere.invalid/feed');
  });
});

describe('Retry-After', () => {
  it.each([
    ['delta seconds', '7', 7000],
    ['an HTTP date', new Date(1_800_000_000_000 + 12_000).toUTCString(), 12_000],
  ])('waits as told by %s on 429, then succeeds', async (name, retryAfter, waitMs) => {
    const routePath = `/retry-${name.replace(/\s/g, '-')}`;
    server.set(routePath, {
      body: FEED,
      contentType: 'application/rss+xml',
      fault: { kind: 'retry-after', retryAfter, times: 1 },
    });
    const { fetcher, clock } = makeFetcher({ retries: 2 });
    const result = await fetcher.fetch({ url: server.url(routePath), allowPrivateNetwork: true });
    expect(result.status).toBe('ok');
    expect(server.hits(routePath)).toBe(2);
    expect(clock.sleeps).toContain(waitMs);
  });

  it('gives up at once when Retry-After is beyond the cap', async () => {
    server.set('/retry-long', { fault: { kind: 'retry-after', retryAfter: '3600', times: 5, status: 503 } });
    const { fetcher } = makeFetcher({ retries: 2 });
    const error = await failure(fetcher.fetch({ url: server.url('/retry-long'), allowPrivateNetwork: true }));
    expect(error.message).toBe(
      `HTTP 503 Service Unavailable from ${server.url('/retry-long')} (Retry-After 3600 s)`,
    );
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(server.hits('/retry-long')).toBe(1);
  });
});

describe('private network', () => {
  const loopbackUrl = () => server.url('/feed');

  it('refuses a loopback literal unless allowPrivateNetwork', async () => {
    const { fetcher } = makeFetcher();
    const before = server.hits('/feed');
    const error = await failure(fetcher.fetch({ url: loopbackUrl() }));
    expect(error.code).toBe('private-network');
    expect(error.message).toBe(
      `refused private address 127.0.0.1 for ${loopbackUrl()} (set allowPrivateNetwork to allow)`,
    );
    expect(server.hits('/feed')).toBe(before);
  });

  it.each([
    ['feeds.public.test', '127.0.0.1'],
    ['internal.public.test', '10.1.2.3'],
    ['mixed.public.test', '192.168.1.1'],
  ])('refuses %s resolving to %s at connect time', async (host, address) => {
    const { fetcher } = makeFetcher();
    const url = `http://${host}:${server.port}/feed`;
    const error = await failure(fetcher.fetch({ url }));
    expect(error.code).toBe('private-network');
    expect(error.message).toBe(
      `refused private address ${address} for ${url} (set allowPrivateNetwork to allow)`,
    );
  });

  it('connects to the checked address when allowed', async () => {
    const { fetcher } = makeFetcher();
    const result = await fetcher.fetch({
      url: `http://feeds.public.test:${server.port}/feed`,
      allowPrivateNetwork: true,
    });
    expect(result.status).toBe('ok');
  });

  it.each([
    ['a loopback literal', () => server.url('/feed')],
    ['localhost', () => `http://localhost:${server.port}/feed`],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${server.port}/feed`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('re-checks every redirect hop: refuses a redirect to %s', async (name, target) => {
    const routePath = `/to-private-${name.replace(/\W/g, '-')}`;
    server.set(routePath, { fault: { kind: 'redirect', to: target() } });
    const { fetcher } = makeFetcher({ trustedHosts: ['feeds.public.test'] });
    const error = await failure(
      fetcher.fetch({ url: `http://feeds.public.test:${server.port}${routePath}` }),
    );
    expect(error.code).toBe('private-network');
    expect(error.message).toMatch(
      /^refused (private|link-local) address (127\.0\.0\.1|::ffff:7f00:1|169\.254\.169\.254) for http/,
    );
  });
});

describe('politeness', () => {
  it('never has more than perHostConcurrency requests in flight to one host', async () => {
    const busy = await startFixtureServer({
      '/slow': { body: FEED, contentType: 'application/rss+xml', delayMs: 50 },
    });
    try {
      const { fetcher } = makeFetcher({
        perHostConcurrency: 2,
        perHostRatePerSecond: 100,
        now: Date.now,
        sleep: undefined,
      });
      const results = await Promise.all(
        Array.from({ length: 6 }, () => fetcher.fetch({ url: busy.url('/slow'), allowPrivateNetwork: true })),
      );
      expect(results.every((result) => result.status === 'ok')).toBe(true);
      expect(busy.hits('/slow')).toBe(6);
      expect(busy.peakInFlight()).toBe(2);
      expect(fetcher.peakConcurrency(`127.0.0.1:${busy.port}`)).toBe(2);
    } finally {
      await busy.close();
    }
  });

  it('lets the rate through at once, then holds the rest to the one-second window', async () => {
    const { fetcher, clock } = makeFetcher({ perHostRatePerSecond: 4 });
    const before = server.hits('/feed');
    for (let i = 0; i < 9; i++) await fetcher.fetch({ url: server.url('/feed'), allowPrivateNetwork: true });
    // The virtual clock stands still: four start at once, the fifth waits for the first to be a
    // second old (and the next three start with it), the ninth a second after that.
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(server.hits('/feed') - before).toBe(9);
  });
});

describe('cancellation', () => {
  it('reports a caller abort as aborted, not retried', async () => {
    server.set('/hang', { fault: { kind: 'stall-headers' } });
    const { fetcher } = makeFetcher({ retries: 2, now: Date.now });
    const controller = new AbortController();
    const pending = failure(
      fetcher.fetch({ url: server.url('/hang'), allowPrivateNetwork: true, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(error.code).toBe('aborted');
    expect(error.message).toBe(`fetch of ${server.url('/hang')} was cancelled`);
    expect(server.hits('/hang')).toBe(1);
  });
});
