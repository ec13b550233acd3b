import { describe, expect, it } from 'vitest';
import { userAgent } from '#shared/sources/fetch/fetcher.ts';
import { HostGate, rateWindow } from '#shared/sources/fetch/host-gate.ts';
import {
  describeTypes,
  formatBytes,
  parseContentType,
  parseRetryAfter,
} from '#shared/sources/fetch/http-util.ts';
import { alwaysRefusedRange, ipLiteral, privateRange } from '#shared/sources/fetch/private-network.ts';

describe('privateRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['[::1]', 'loopback'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (address, range) => {
    expect(privateRange(address)).toBe(range);
  });

  it.each([
    '93.184.216.34',
    '151.101.0.144',
    '172.32.0.1',
    '100.128.0.1',
    '2a04:4e42::144',
    '::ffff:93.184.216.34',
  ])('%s is public', (address) => {
    expect(privateRange(address)).toBeNull();
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['www.gov.uk', null],
    ['localhost', null],
  ])('ipLiteral(%s) = %s', (host, literal) => {
    expect(ipLiteral(host)).toBe(literal);
  });

  it('WHATWG URL parsing normalises odd IPv4 forms before the check', () => {
    expect(new URL('http://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(new URL('http://2130706433/').hostname).toBe('127.0.0.1');
  });
});

describe('header helpers', () => {
  it('builds the contract User-Agent', () => {
    expect(userAgent('1.2.3', 'Example Trust', 'policy@example.org')).toBe(
      'policy-watch/1.2.3 (+mailto:policy@example.org; Example Trust)',
    );
    expect(userAgent('1.0.0', 'Evil\r\nX-Injected: 1 (org)', 'a@b.c')).toBe(
      'policy-watch/1.0.0 (+mailto:a@b.c; Evil X-Injected: 1 org)',
    );
  });

  it.each([
    ['application/atom+xml; charset=UTF-8', 'application/atom+xml', 'utf-8'],
    ['Text/HTML;charset="ISO-8859-1"', 'text/html', 'iso-8859-1'],
    ['application/json', 'application/json', null],
    [undefined, null, null],
  ])('parseContentType(%s)', (header, type, charset) => {
    expect(parseContentType(header)).toEqual({ type, charset });
  });

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Wed, 21 Oct 2026 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2026 07:27:00 GMT', 0],
    ['soon', null],
    [undefined, null],
  ])('parseRetryAfter(%s)', (header, ms) => {
    expect(parseRetryAfter(header, Date.parse('2026-10-21T07:28:00Z'))).toBe(ms);
  });

  it.each([
    [10 * 1024 * 1024, '10 MiB'],
    [512 * 1024, '512 KiB'],
    [1000, '1000 bytes'],
  ])('formatBytes(%i)', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [['application/atom+xml', 'text/xml'], 'a feed'],
    [['application/json'], 'JSON'],
    [['text/html'], 'an HTML page'],
    [['image/png', 'image/gif'], 'image/png or image/gif'],
  ])('describeTypes(%j)', (types, text) => {
    expect(describeTypes(types)).toBe(text);
  });
});

describe('HostGate', () => {
  const make = (concurrency: number, ratePerSecond: number) => {
    const clock = { now: 0, sleeps: [] as number[] };
    const gate = new HostGate({
      concurrency,
      ratePerSecond,
      now: () => clock.now,
      sleep: async (ms) => {
        clock.sleeps.push(ms);
      },
    });
    return { gate, clock };
  };

  it('queues past the concurrency cap and hands the slot on', async () => {
    const { gate } = make(2, 1000);
    const a = await gate.acquire('h');
    const b = await gate.acquire('h');
    let third = false;
    const c = gate.acquire('h').then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    a();
    (await c)();
    b();
    expect(third).toBe(true);
    expect(gate.peak.get('h')).toBe(2);
  });

  it('lets a burst of the rate through, then waits for the window, and honours a pause', async () => {
    const { gate, clock } = make(10, 2);
    for (let i = 0; i < 5; i++) (await gate.acquire('h'))();
    // Two at once, then two when the first second is over, then the fifth a second later.
    expect(clock.sleeps).toEqual([1000, 1000, 2000]);
    gate.pause('other', 7000);
    (await gate.acquire('other'))();
    expect(clock.sleeps.at(-1)).toBe(7000);
  });

  it.each([
    [100, 100, 1000],
    [5, 5, 1000],
    [2.5, 2, 800],
    [1, 1, 1000],
    [0.5, 1, 2000],
    [0.1, 1, 10_000],
  ])('rate %d/s: bursts of %d per %d ms', (rate, burst, windowMs) => {
    expect(rateWindow(rate)).toEqual({ burst, windowMs });
  });

  it.each([100, 7, 2.5, 1, 0.3])(
    'rate %d/s: never more starts in a window than the burst, and the long-run rate holds',
    async (rate) => {
      const { gate, clock } = make(1000, rate);
      const { burst, windowMs } = rateWindow(rate);
      const starts: number[] = [];
      // Arrivals at uneven times, many at once: the worst case for a window limit.
      for (let i = 0; i < 60; i++) {
        clock.now = Math.floor(i / 7) * 130;
        const before = clock.sleeps.length;
        (await gate.acquire('h'))();
        starts.push(clock.sleeps.length > before ? clock.now + (clock.sleeps.at(-1) ?? 0) : clock.now);
      }
      for (let i = burst; i < starts.length; i++)
        expect((starts[i] ?? 0) - (starts[i - burst] ?? 0)).toBeGreaterThanOrEqual(windowMs - 1e-9);
      const span = (starts.at(-1) ?? 0) - (starts[0] ?? 0);
      expect(span).toBeGreaterThanOrEqual(((starts.length - burst) / rate) * 1000 - 1e-6);
    },
  );
});

describe('alwaysRefusedRange (even with allowPrivateNetwork)', () => {
  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['[fe80::a9fe:a9fe]', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['127.0.0.1', null],
    ['10.0.0.1', null],
    ['fd00:ec2::253', null],
    ['93.184.216.34', null],
    ['not-an-ip', null],
  ])('%s → %s', (address, range) => {
    expect(alwaysRefusedRange(address)).toBe(range);
  });
});
