import { describe, expect, it } from 'vitest';
import { formatInZone, parseInstant, zonedToInstant, zoneOffsetMinutes } from '#shared/domain/time.ts';

const LONDON = 'Europe/London';
const END = { endOfDay: true };

describe('zoneOffsetMinutes', () => {
  it.each([
    ['winter in London', '2026-01-15T12:00:00.000Z', LONDON, 0],
    ['summer in London', '2026-07-15T12:00:00.000Z', LONDON, 60],
    ['last second of GMT before spring forward', '2026-03-29T00:59:59.999Z', LONDON, 0],
    ['first instant of BST', '2026-03-29T01:00:00.000Z', LONDON, 60],
    ['last second of BST before fall back', '2026-10-25T00:59:59.999Z', LONDON, 60],
    ['first instant of GMT after fall back', '2026-10-25T01:00:00.000Z', LONDON, 0],
    ['UTC', '2026-07-15T12:00:00.000Z', 'UTC', 0],
    ['New York in winter', '2026-01-15T12:00:00.000Z', 'America/New_York', -300],
    ['Kolkata (half hour)', '2026-01-15T12:00:00.000Z', 'Asia/Kolkata', 330],
  ])('%s', (_, instant, zone, expected) => {
    expect(zoneOffsetMinutes(new Date(instant), zone)).toBe(expected);
  });
});

/** `2026-03-29 01:30` (or a date alone) as zonedToInstant's fields. */
function fields(text: string) {
  const [year, month, day, hour, minute] = text.split(/[- :]/).map(Number) as [
    number,
    number,
    number,
    number?,
    number?,
  ];
  return { year, month, day, ...(hour === undefined ? {} : { hour, minute }) };
}

describe('zonedToInstant', () => {
  it.each([
    ['midnight in winter', fields('2026-01-15'), '2026-01-15T00:00:00.000Z'],
    ['midnight in summer', fields('2026-07-15'), '2026-07-14T23:00:00.000Z'],
    ['all fields', { ...fields('2026-07-15 09:30'), second: 15, ms: 250 }, '2026-07-15T08:30:15.250Z'],
    ['just before the spring gap', fields('2026-03-29 00:59'), '2026-03-29T00:59:00.000Z'],
    ['inside the spring gap (01:30 does not exist)', fields('2026-03-29 01:30'), '2026-03-29T01:30:00.000Z'],
    ['just after the spring gap', fields('2026-03-29 02:00'), '2026-03-29T01:00:00.000Z'],
    ['before the autumn repeat', fields('2026-10-25 00:30'), '2026-10-24T23:30:00.000Z'],
    [
      'inside the autumn repeat (01:30 happens twice)',
      fields('2026-10-25 01:30'),
      '2026-10-25T01:30:00.000Z',
    ],
    ['after the autumn repeat', fields('2026-10-25 02:00'), '2026-10-25T02:00:00.000Z'],
  ])('%s in London', (_, at, expected) => {
    expect(zonedToInstant(at, LONDON).toISOString()).toBe(expected);
  });

  it('UTC', () => {
    expect(zonedToInstant({ year: 2026, month: 7, day: 15, hour: 7 }, 'UTC').toISOString()).toBe(
      '2026-07-15T07:00:00.000Z',
    );
  });
});

describe('parseInstant', () => {
  it.each([
    ['date-only in winter is local midnight', '2026-01-15', LONDON, {}, '2026-01-15T00:00:00.000Z'],
    ['date-only in summer is local midnight', '2026-07-15', LONDON, {}, '2026-07-14T23:00:00.000Z'],
    ['date-only endOfDay is the last millisecond', '2026-07-15', LONDON, END, '2026-07-15T22:59:59.999Z'],
    ['date-only endOfDay in winter', '2026-01-15', LONDON, END, '2026-01-15T23:59:59.999Z'],
    ['date-only on the spring-forward day', '2026-03-29', LONDON, {}, '2026-03-29T00:00:00.000Z'],
    ['endOfDay on the spring-forward day', '2026-03-29', LONDON, END, '2026-03-29T22:59:59.999Z'],
    ['date-only on the fall-back day', '2026-10-25', LONDON, {}, '2026-10-24T23:00:00.000Z'],
    ['endOfDay on the fall-back day', '2026-10-25', LONDON, END, '2026-10-25T23:59:59.999Z'],
    ['date-only in UTC', '2026-07-15', 'UTC', {}, '2026-07-15T00:00:00.000Z'],
    ['date-only in New York', '2026-01-15', 'America/New_York', {}, '2026-01-15T05:00:00.000Z'],
    ['offset-less minutes in summer', '2026-07-15T09:30', LONDON, {}, '2026-07-15T08:30:00.000Z'],
    ['offset-less seconds in winter', '2026-01-15T09:30:15', LONDON, {}, '2026-01-15T09:30:15.000Z'],
    ['offset-less fraction kept to ms', '2026-07-15T09:30:15.1234', LONDON, {}, '2026-07-15T08:30:15.123Z'],
    ['offset-less short fraction padded', '2026-07-15T09:30:15.5', LONDON, {}, '2026-07-15T08:30:15.500Z'],
    ['offset-less just after spring forward', '2026-03-29T02:00', LONDON, {}, '2026-03-29T01:00:00.000Z'],
    ['offset-less just before fall back', '2026-10-25T00:59', LONDON, {}, '2026-10-24T23:59:00.000Z'],
    ['Z is taken as given', '2026-07-15T09:30:00Z', LONDON, {}, '2026-07-15T09:30:00.000Z'],
    ['an offset is taken as given', '2026-07-15T09:30:00+02:00', LONDON, {}, '2026-07-15T07:30:00.000Z'],
    ['an offset without a colon', '2026-07-15T09:30:00-0500', LONDON, {}, '2026-07-15T14:30:00.000Z'],
    ['milliseconds with Z', '2026-07-15T09:30:00.007Z', LONDON, {}, '2026-07-15T09:30:00.007Z'],
  ])('%s: %s', (_, text, zone, options, expected) => {
    expect(parseInstant(text, zone, options)?.toISOString()).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['not a date', 'yesterday'],
    ['impossible day', '2026-02-30'],
    ['impossible month', '2026-13-01'],
    ['impossible local day', '2026-02-30T09:00'],
    ['no time after T', '2026-07-15T'],
    ['date with a zone but no time', '2026-07-15Z'],
    ['slashes', '15/07/2026'],
    ['impossible hour with an offset', '2026-07-15T25:00:00Z'],
  ])('refuses %s (%j)', (_, text) => {
    expect(parseInstant(text, LONDON)).toBeNull();
  });
});

describe('formatInZone', () => {
  it.each([
    ['winter with time', '2026-11-26T07:00:00.000Z', LONDON, true, '26 Nov 2026, 07:00'],
    ['summer shifts the hour', '2026-07-15T07:00:00.000Z', LONDON, true, '15 Jul 2026, 08:00'],
    ['summer shifts the date near midnight', '2026-07-14T23:30:00.000Z', LONDON, true, '15 Jul 2026, 00:30'],
    ['date only', '2026-07-14T23:30:00.000Z', LONDON, false, '15 Jul 2026'],
    ['a Date', new Date('2026-03-29T01:00:00.000Z'), LONDON, true, '29 Mar 2026, 02:00'],
    ['UTC', '2026-07-14T23:30:00.000Z', 'UTC', true, '14 Jul 2026, 23:30'],
  ])('%s', (_, instant, zone, withTime, expected) => {
    expect(formatInZone(instant, zone, withTime)).toBe(expected);
  });
});
