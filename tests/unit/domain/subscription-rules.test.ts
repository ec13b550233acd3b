import { describe, expect, it } from 'vitest';
import { clientKey, rateLimitAddress } from '#shared/domain/subscription-rules.ts';

describe('clientKey (per-client subscription limit)', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['unknown', 'unknown'],
  ])('%s → %s', (client, key) => {
    expect(clientKey(client)).toBe(key);
  });
});

describe('rateLimitAddress (per-address subscription limit)', () => {
  it.each([
    ['Ann@Example.org', 'ann@example.org'],
    [' ann+1@example.org ', 'ann@example.org'],
    ['ann+news+2@example.org', 'ann@example.org'],
    ['a.n.n@example.org', 'a.n.n@example.org'],
    ['A.N.N+x@gmail.com', 'ann@gmail.com'],
    ['an.n@googlemail.com', 'ann@gmail.com'],
    ['+tag@example.org', '+tag@example.org'],
  ])('%s → %s', (email, key) => {
    expect(rateLimitAddress(email)).toBe(key);
  });
});
