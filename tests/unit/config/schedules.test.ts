import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { AWS_POLL_CRON, schedulesFor, toEventBridge, toNodeCron } from '#shared/config/schedules.ts';
import { type Config, ConfigSchema } from '#shared/config/schema.ts';

function config(digests: Partial<Config['digests']> = {}, tick?: string): Config {
  return ConfigSchema.parse({
    organisation: { name: 'Test org', contact: 'policy@example.org' },
    sources: [],
    topics: [],
    digests: { from: 'alerts@example.org', ...digests },
    ...(tick ? { polling: { tick } } : {}),
  });
}

describe('toEventBridge', () => {
  it.each([
    ['0 7 * * *', 'cron(0 7 * * ? *)'],
    ['0 7 * * 1', 'cron(0 7 ? * 2 *)'],
    ['0 7 * * 0', 'cron(0 7 ? * 1 *)'],
    ['0 7 * * 7', 'cron(0 7 ? * 1 *)'],
    ['30 8 * * 6', 'cron(30 8 ? * 7 *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['0 9 * * 5-7', 'cron(0 9 ? * 1,6-7 *)'],
    ['0 9 * * 0-6', 'cron(0 9 * * ? *)'],
    ['0 9 * * */2', 'cron(0 9 ? * 1,3,5,7 *)'],
    ['0 9 * * mon,fri', 'cron(0 9 ? * 2,6 *)'],
    ['0 9 * * SUN', 'cron(0 9 ? * 1 *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['* * * * *', 'cron(* * * * ? *)'],
    ['0 */6 * * *', 'cron(0 0/6 * * ? *)'],
    ['0 7 1 * *', 'cron(0 7 1 * ? *)'],
    ['0 7 1,15 jan-mar *', 'cron(0 7 1,15 1-3 ? *)'],
    ['  0   7 * *   1 ', 'cron(0 7 ? * 2 *)'],
  ])('%s → %s', (input, expected) => {
    expect(toEventBridge({ cron: input })).toBe(expected);
  });

  it.each([['0 7 1 * 1'], ['0 7 * *'], ['0 7 * * 8'], ['0 7 * * xyz']])('refuses %s', (input) => {
    expect(() => toEventBridge({ cron: input })).toThrow();
  });
});

describe('toNodeCron', () => {
  it.each([
    ['0 7 * * *', '0 7 * * *'],
    [' 0  7 * * 1 ', '0 7 * * 1'],
    ['*/15 * * * *', '*/15 * * * *'],
  ])('%s → %s and node-cron accepts it', (input, expected) => {
    expect(toNodeCron({ cron: input })).toBe(expected);
    expect(cron.validate(expected)).toBe(true);
  });
});

describe('schedulesFor', () => {
  it('uses the config digests in their time zone and the local tick', () => {
    const defs = schedulesFor(config({ timezone: 'Europe/London' }, '*/5 * * * *'), 'local');
    expect(defs).toEqual([
      { name: 'poll', job: { kind: 'poll' }, cron: '*/5 * * * *', timezone: 'UTC' },
      {
        name: 'digest-daily',
        job: { kind: 'digest', frequency: 'daily' },
        cron: '0 7 * * *',
        timezone: 'Europe/London',
      },
      {
        name: 'digest-weekly',
        job: { kind: 'digest', frequency: 'weekly' },
        cron: '0 7 * * 1',
        timezone: 'Europe/London',
      },
    ]);
  });

  it('polls every 15 minutes on AWS whatever the local tick', () => {
    const defs = schedulesFor(config({ daily: '30 6 * * *' }, '* * * * *'), 'aws');
    expect(defs.map((def) => [def.name, toEventBridge(def)])).toEqual([
      ['poll', 'cron(0/15 * * * ? *)'],
      ['digest-daily', 'cron(30 6 * * ? *)'],
      ['digest-weekly', 'cron(0 7 ? * 2 *)'],
    ]);
    expect(AWS_POLL_CRON).toBe('*/15 * * * *');
  });

  it('every EventBridge rendering fires on the same weekday as node-cron', () => {
    // 2026-11-22 is a Sunday: each weekday's cron must match exactly that day in both dialects.
    for (let day = 0; day <= 6; day++) {
      const task = cron.createTask(`0 7 * * ${day}`, () => {}, { timezone: 'UTC' });
      const date = new Date(Date.UTC(2026, 10, 22 + day, 7, 0));
      expect(task.match(date)).toBe(true);
      void task.destroy();
      const ebDay = Number(/\? \* (\d) \*\)$/.exec(toEventBridge({ cron: `0 7 * * ${day}` }))?.[1]);
      // EventBridge: 1 = SUN.
      expect(ebDay).toBe(date.getUTCDay() + 1);
    }
  });
});
