import { describe, expect, it } from 'vitest';
import { isFiveFieldCron } from '#shared/config/cron.ts';

describe('isFiveFieldCron', () => {
  it.each([
    '0 7 * * *',
    '0 7 * * 1',
    '* * * * *',
    '*/15 * * * *',
    '0 */6 * * *',
    '0 7 * * 0',
    '0 7 * * 7',
    '0 9 * * 1-5',
    '0 9 * * 5-7',
    '0 7 1,15 * *',
    '0 7 1,15 jan-mar *',
    '0 9 * * mon,fri',
    '0 9 * * SUN',
    '  0   7 * *   1 ',
  ])('accepts %j', (expression) => {
    expect(isFiveFieldCron(expression)).toBe(true);
  });

  it.each([
    ['four fields', '0 7 * *'],
    ['six fields (seconds)', '0 0 7 * * *'],
    ['empty', ''],
    ['minute out of range', '60 * * * *'],
    ['hour out of range', '0 25 * * 1'],
    ['day-of-month zero', '0 0 0 * *'],
    ['month out of range', '0 0 * 13 *'],
    ['day-of-week out of range', '0 7 * * 8'],
    ['zero step', '*/0 * * * *'],
    ['not a number', 'x * * * *'],
    ['unknown name', '0 7 * * xyz'],
  ])('refuses %s (%j)', (_, expression) => {
    expect(isFiveFieldCron(expression)).toBe(false);
  });
});
