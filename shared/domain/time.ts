/**
 * @module Time rules of docs/contract.md: instants are output in UTC with milliseconds; a date-only or
 * offset-less input is read in the configured time zone (`digests.timezone`).
 */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Offset of `zone` from UTC, in minutes, at the given instant. */
export function zoneOffsetMinutes(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant at which the wall-clock time `y-m-d h:m:s.ms` happens in `zone`. */
export function zonedToInstant(
  fields: {
    year: number;
    month: number;
    day: number;
    hour?: number;
    minute?: number;
    second?: number;
    ms?: number;
  },
  zone: string,
): Date {
  const wall = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
    fields.ms ?? 0,
  );
  // Two passes settle the offset either side of a DST change.
  let guess = wall - zoneOffsetMinutes(new Date(wall), zone) * 60_000;
  guess = wall - zoneOffsetMinutes(new Date(guess), zone) * 60_000;
  return new Date(guess);
}

/**
 * Reads an ISO date or instant. Date-only and offset-less values are wall-clock times in `zone`;
 * `endOfDay` makes a date-only value mean the last millisecond of that day. Null when invalid.
 */
export function parseInstant(text: string, zone: string, options: { endOfDay?: boolean } = {}): Date | null {
  const date = DATE_ONLY.exec(text);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!validDate(year, month, day)) return null;
    return options.endOfDay
      ? zonedToInstant({ year, month, day, hour: 23, minute: 59, second: 59, ms: 999 }, zone)
      : zonedToInstant({ year, month, day }, zone);
  }
  const local = LOCAL.exec(text);
  if (local) {
    const [year, month, day] = [Number(local[1]), Number(local[2]), Number(local[3])];
    if (!validDate(year, month, day)) return null;
    const ms = local[7] ? Number(local[7].padEnd(3, '0').slice(0, 3)) : 0;
    return zonedToInstant(
      {
        year,
        month,
        day,
        hour: Number(local[4]),
        minute: Number(local[5]),
        second: Number(local[6] ?? 0),
        ms,
      },
      zone,
    );
  }
  if (!WITH_OFFSET.test(text) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function validDate(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** Formats an instant for people in `zone`, e.g. `26 Nov 2026, 07:00`. */
export function formatInZone(instant: string | Date, zone: string, withTime = true): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  }).format(new Date(instant));
}
