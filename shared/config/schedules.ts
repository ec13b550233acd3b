/**
 * @module The schedules, defined once (docs/architecture.md §5.7): the poll tick and the daily/weekly digests,
 * rendered for node-cron (the local scheduler) and for EventBridge Scheduler (AWS, via SST).
 *
 * Conversion to EventBridge `cron(minutes hours day-of-month month day-of-week year)`:
 * - a sixth field, the year, is always `*`;
 * - EventBridge needs `?` in exactly one of day-of-month and day-of-week: a `*` day-of-week
 *   becomes `?`; a restricted day-of-week with a `*` day-of-month puts `?` in day-of-month;
 *   both restricted (classic cron reads that as "either") cannot be expressed and is refused;
 * - day-of-week is numbered 0-7 in cron (0 and 7 are Sunday) but 1-7 in EventBridge
 *   (1 = SUN … 7 = SAT): each day `d` becomes `(d mod 7) + 1`, after expanding ranges and
 *   steps into a list, so `1-5` (Mon-Fri) becomes `2-6` and `5-7` (Fri-Sun) becomes `1,6-7`;
 * - `*\/n` becomes `0/n` (minutes, hours) or `1/n` (day-of-month, month): EventBridge
 *   documents a start value before `/`;
 * - month and day names become numbers.
 */

import type { ScheduledFrequency } from '../domain/types.ts';
import { SCHEDULED_FREQUENCIES } from '../domain/vocabulary.ts';
import type { Config } from './schema.ts';

export type Platform = 'aws' | 'local';
export type ScheduledJob = { kind: 'poll' } | { kind: 'digest'; frequency: ScheduledFrequency };

/** One schedule, resolved for a platform: a 5-field cron read in `timezone`. */
export interface ScheduleDef {
  name: 'poll' | `digest-${ScheduledFrequency}`;
  job: ScheduledJob;
  cron: string;
  timezone: string;
}

/** On AWS each tick costs an invocation; sources with `every` under 15m are polled late there. */
export const AWS_POLL_CRON = '*/15 * * * *';

interface ScheduleSpec {
  name: ScheduleDef['name'];
  job: ScheduledJob;
  cron(config: Config, platform: Platform): string;
  /** The poll tick is zone-free; digests follow `digests.timezone`. */
  timezone(config: Config): string;
}

export const SCHEDULES: readonly ScheduleSpec[] = [
  {
    name: 'poll',
    job: { kind: 'poll' },
    cron: (config, platform) => (platform === 'aws' ? AWS_POLL_CRON : config.polling.tick),
    timezone: () => 'UTC',
  },
  ...SCHEDULED_FREQUENCIES.map(
    (frequency): ScheduleSpec => ({
      name: `digest-${frequency}`,
      job: { kind: 'digest', frequency },
      cron: (config) => config.digests[frequency],
      timezone: (config) => config.digests.timezone,
    }),
  ),
];

/** Every schedule resolved against a config for one platform. */
export function schedulesFor(config: Config, platform: Platform): ScheduleDef[] {
  return SCHEDULES.map((spec) => ({
    name: spec.name,
    job: spec.job,
    cron: normalise(spec.cron(config, platform)),
    timezone: spec.timezone(config),
  }));
}

/** node-cron 4 reads the classic 5 fields as they are (names, 7 = Sunday included). */
export function toNodeCron(def: Pick<ScheduleDef, 'cron'>): string {
  return normalise(def.cron);
}

/** EventBridge (Scheduler) `cron(...)` expression; the time zone is set beside it. */
export function toEventBridge(def: Pick<ScheduleDef, 'cron'>): string {
  const fields = normalise(def.cron).toLowerCase().split(' ');
  if (fields.length !== 5) throw new Error(`not a 5-field cron expression: ${def.cron}`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const days = expandDays(dow);
  let dayOfMonth = startSteps(dom, 1);
  let dayOfWeek = '?';
  if (days !== null) {
    if (dom !== '*') {
      throw new Error(
        `cron "${def.cron}" restricts both day-of-month and day-of-week, which EventBridge cannot express`,
      );
    }
    dayOfMonth = '?';
    dayOfWeek = compress(days.map((day) => (day % 7) + 1));
  }
  const out = [startSteps(minute, 0), startSteps(hour, 0), dayOfMonth, startSteps(names(month, MONTHS), 1)];
  return `cron(${[...out, dayOfWeek, '*'].join(' ')})`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function normalise(cron: string): string {
  return cron.trim().split(/\s+/).join(' ');
}

function names(field: string, list: readonly string[]): string {
  const offset = list === MONTHS ? 1 : 0;
  return field.replace(/[a-z]{3}/g, (name) => {
    const index = list.indexOf(name);
    if (index < 0) throw new Error(`unknown name "${name}" in cron field "${field}"`);
    return String(index + offset);
  });
}

function startSteps(field: string, start: number): string {
  return field.replace(/^\*\//, `${start}/`).replace(/,\*\//g, `,${start}/`);
}

/** The days (0-6, Sunday 0) a day-of-week field selects, or null for "any day". */
function expandDays(field: string): number[] | null {
  if (field === '*' || field === '?') return null;
  const days = new Set<number>();
  for (const part of names(field, DAYS).split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [low, high] = range === '*' ? [0, 6] : range.split('-').map(Number);
    if (low === undefined || Number.isNaN(low)) throw new Error(`bad day-of-week "${field}"`);
    if (high === undefined) high = stepText === undefined ? low : 6;
    if (Number.isNaN(high) || !Number.isInteger(step) || step < 1 || low > high || high > 7) {
      throw new Error(`bad day-of-week "${field}"`);
    }
    for (let day = low; day <= high; day += step) days.add(day % 7);
  }
  return days.size === 7 ? null : [...days].sort((a, b) => a - b);
}

/** `[1,2,3,5]` → `1-3,5`. */
function compress(values: number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let previous = start;
  for (const value of [...sorted.slice(1), Number.NaN]) {
    if (start === undefined || previous === undefined) break;
    if (value === previous + 1) {
      previous = value;
      continue;
    }
    parts.push(start === previous ? String(start) : `${start}-${previous}`);
    start = value;
    previous = value;
  }
  return parts.join(',');
}
