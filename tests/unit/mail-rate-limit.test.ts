import { describe, expect, it } from 'vitest';
import { clientKey } from '#shared/mail/subscription-rules.ts';

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
