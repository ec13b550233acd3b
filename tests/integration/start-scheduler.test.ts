/**
 * The local scheduler's guarantees, with the use cases replaced by controllable fakes: poll at
 * start, immediate digest only after a poll that created alerts, no overlapping runs of a job,
 * a shutdown that waits (bounded) for the running step, and crons read on the process clock
 * (`POLICY_WATCH_NOW`) in `digests.timezone`.
 */
import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '#shared/domain/ports.ts';
import type { DigestOptions, DigestReport } from '#shared/services/digest.ts';
import type { PollReport } from '#shared/services/poll.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { clockStartingAt, systemClock } from '#shared/system/clock.ts';
import { createLogger } from '#shared/system/logger.ts';
import { type JobName, startScheduler } from '../../functions/local/scheduler.ts';
import { configFrom } from '../support/service-deps.ts';

const config = configFrom({
  organisation: { name: 'Test org', contact: 'policy@example.org' },
  sources: [],
  topics: [],
  digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
});

function harness(clock: Clock = systemClock) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) });
  const deps = { config, logger, clock } as unknown as ServiceDeps;
  const polls: { resolve(report: PollReport): void; options: unknown }[] = [];
  const digests: DigestOptions[] = [];
  const services = {
    runPollCycle: (_deps: ServiceDeps, options: unknown) =>
      new Promise<PollReport>((resolve) => polls.push({ resolve, options })),
    runDigest: async (_deps: ServiceDeps, options: DigestOptions): Promise<DigestReport> => {
      digests.push(options);
      return { sent: [], failed: [], skipped: 0 };
    },
  };
  return { deps, services, polls, digests, lines };
}

const report = (alerts: string[]): PollReport => ({ sources: [], alerts, durationMs: 1 });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('local scheduler', () => {
  it('polls due sources at start and never runs two polls at once', async () => {
    const h = harness();
    const scheduler = startScheduler(h.deps, { services: h.services });
    await settle();
    expect(h.polls).toHaveLength(1);
    expect(h.polls[0]?.options).toEqual({ dueOnly: true });
    expect(scheduler.busy('poll')).toBe(true);

    expect(await scheduler.run('poll')).toBe(false);
    expect(h.polls).toHaveLength(1);
    expect(h.lines.some((line) => line.msg === 'previous run still going, tick skipped')).toBe(true);

    // The first poll resumes an immediate digest a crash may have interrupted, alerts or not.
    h.polls[0]?.resolve(report([]));
    await settle();
    expect(scheduler.busy('poll')).toBe(false);
    expect(h.digests).toEqual([{ frequency: 'immediate' }]);

    const quiet = scheduler.run('poll');
    await settle();
    h.polls[1]?.resolve(report([]));
    expect(await quiet).toBe(true);
    expect(h.digests).toHaveLength(1);

    const second = scheduler.run('poll');
    await settle();
    h.polls[2]?.resolve(report(['a1', 'a2']));
    expect(await second).toBe(true);
    expect(h.digests).toEqual([{ frequency: 'immediate' }, { frequency: 'immediate' }]);
    await scheduler.stop();
  });

  it('runs the daily and weekly digests as their own jobs', async () => {
    const h = harness();
    const scheduler = startScheduler(h.deps, { services: h.services, pollAtStart: false });
    expect(await scheduler.run('digest-daily')).toBe(true);
    expect(await scheduler.run('digest-weekly')).toBe(true);
    expect(h.digests).toEqual([{ frequency: 'daily' }, { frequency: 'weekly' }]);
    expect([...cron.getTasks().values()].map((task) => task.name).sort()).toEqual(
      expect.arrayContaining(['digest-daily', 'digest-weekly', 'poll']),
    );
    await scheduler.stop();
  });

  it('stop() waits for the running step, then refuses new runs', async () => {
    const h = harness();
    const scheduler = startScheduler(h.deps, { services: h.services });
    await settle();
    let stopped = false;
    const stopping = scheduler.stop().then((finished) => {
      stopped = true;
      return finished;
    });
    await settle();
    expect(stopped).toBe(false);
    h.polls[0]?.resolve(report([]));
    expect(await stopping).toBe(true);
    expect(await scheduler.run('poll')).toBe(false);
    expect(h.polls).toHaveLength(1);
  });

  it('stop() gives up on a step that never ends, after its bound', async () => {
    const h = harness();
    const scheduler = startScheduler(h.deps, { services: h.services, stopTimeoutMs: 20 });
    await settle();
    expect(await scheduler.stop()).toBe(false);
    expect(h.lines.some((line) => line.msg === 'jobs still running at shutdown')).toBe(true);
  });
});

describe('local scheduler: crons on the process clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // digests.timezone is Europe/London: 07:00 is 07:00Z in winter and 06:00Z in summer.
  it.each<[string, JobName[]]>([
    ['2026-11-26T07:00:00.000Z', ['poll', 'digest-daily']],
    ['2026-11-30T07:00:00.000Z', ['poll', 'digest-daily', 'digest-weekly']],
    ['2026-07-01T06:00:00.000Z', ['poll', 'digest-daily']],
    ['2026-07-01T07:00:00.000Z', ['poll']],
    ['2026-11-26T07:01:00.000Z', ['poll']],
  ])('the minute %s starts %j', async (minute, jobs) => {
    const h = harness();
    const scheduler = startScheduler(h.deps, { services: h.services, pollAtStart: false });
    expect(scheduler.tick(new Date(minute))).toEqual(jobs);
    await settle();
    h.polls[0]?.resolve(report([]));
    await scheduler.stop();
  });

  it('runs the daily digest at 07:00 of a POLICY_WATCH_NOW clock, not of the wall clock', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
      now: new Date('2020-03-03T12:00:30Z'),
    });
    const h = harness(clockStartingAt(new Date('2026-11-26T06:59:30Z')));
    const scheduler = startScheduler(h.deps, { services: h.services, pollAtStart: false });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(h.digests).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.digests).toEqual([{ frequency: 'daily' }]);
    expect(h.polls).toHaveLength(1);
    h.polls[0]?.resolve(report([]));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.digests).toEqual([{ frequency: 'daily' }]);
    expect(h.polls).toHaveLength(2);
    h.polls[1]?.resolve(report([]));
    await scheduler.stop();
  });
});
