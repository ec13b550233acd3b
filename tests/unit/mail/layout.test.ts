import { describe, expect, it } from 'vitest';
import { formatWhen } from '#shared/mail/layout.ts';

describe('formatWhen', () => {
  // Each row twice: the second answer comes from the memo of instants already written.
  it.each([
    ['2026-06-30T23:30:00.000Z', 'Europe/London', '1 Jul 2026, 00:30 BST'],
    ['2026-06-30T23:30:00.000Z', 'UTC', '30 Jun 2026, 23:30 UTC'],
    ['2026-11-26T06:59:00.000Z', 'Europe/London', '26 Nov 2026, 06:59 GMT'],
    [new Date('2026-06-30T23:30:00.000Z'), 'Europe/Paris', '1 Jul 2026, 01:30 CEST'],
  ] as const)('%s in %s', (instant, zone, expected) => {
    expect(formatWhen(instant, zone)).toBe(expected);
    expect(formatWhen(instant, zone)).toBe(expected);
  });

  it('refuses an instant that is not one', () => {
    expect(() => formatWhen('not a date', 'UTC')).toThrow(RangeError);
  });
});
