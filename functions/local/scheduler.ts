/**
 * @module The local scheduler of `policy-watch start` (docs/contract.md §4): a poll tick for the sources
 * that are due, the immediate digest after each poll that created alerts (and after the first
 * poll of the process, to finish one a crash interrupted), and the daily/weekly
 * digests at their crons in `digests.timezone`. A job never overlaps itself: a tick that finds
 * its job still running is skipped and logged.
 *
 * The crons are matched by node-cron, but the minutes come from the process clock
 * (`deps.clock`), not from node-cron's own timer: with `POLICY_WATCH_NOW` the clock runs from
 * that instant, and the daily digest must fire at 07:00 of that clock, not of the wall clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { type ScheduleDef, schedulesFor, toNodeCron } from '../../shared/config/schedules.ts';
import type { ScheduledFrequency } from '../../shared/domain/types.ts';
import { SCHEDULED_FREQUENCIES } from '../../shared/domain/vocabulary.ts';
import { runDigest } from '../../shared/services/digest.ts';
import { runPollCycle } from '../../shared/services/poll.ts';
import type { ServiceDeps } from '../../shared/services/service-deps.ts';

export type JobName = ScheduleDef['name'];

const MINUTE_MS = 60_000;

/** The use cases the jobs call; injectable so overlap and shutdown are testable without I/O. */
export interface SchedulerServices {
  runPollCycle: typeof runPollCycle;
  runDigest: typeof runDigest;
}

export interface SchedulerOptions {
  /** Poll the due (never-polled and overdue) sources at once. Default true. */
  pollAtStart?: boolean;
  /** How long `stop()` waits for running jobs. Default 30 s. */
  stopTimeoutMs?: number;
  services?: Partial<SchedulerServices>;
}

export interface Scheduler {
  /** Runs a job now; false when it was already running (the run is skipped). */
  run(job: JobName): Promise<boolean>;
  /** Starts the jobs whose cron matches this minute of the process clock; returns their names. */
  tick(minute: Date): JobName[];
  /** Whether a job is running now. */
  busy(job: JobName): boolean;
  /** Stops ticking, then waits (bounded) for running jobs; true when they all finished. */
  stop(): Promise<boolean>;
}

export function startScheduler(deps: ServiceDeps, options: SchedulerOptions = {}): Scheduler {
  const services: SchedulerServices = { runPollCycle, runDigest, ...options.services };
  const logger = deps.logger.child({ component: 'scheduler' });
  const running = new Map<JobName, Promise<void>>();
  let stopped = false;
  // The start poll of this process also runs the immediate digest whatever it found: a process
  // killed during (or just before) an immediate digest left alerts unsent, and nothing else
  // would send them until a later poll happens to create alerts. Delivery records make the
  // extra run harmless; watermarks keep it cheap.
  let resumeImmediate = options.pollAtStart ?? true;

  const steps: Record<JobName, () => Promise<void>> = {
    poll: async () => {
      const resume = resumeImmediate;
      resumeImmediate = false;
      let alerts = 0;
      try {
        alerts = (await services.runPollCycle(deps, { dueOnly: true })).alerts.length;
      } finally {
        if (alerts > 0 || resume) {
          const digest = await services.runDigest(deps, { frequency: 'immediate' });
          logger.log('info', resume && alerts === 0 ? 'immediate digest resumed' : 'immediate digest sent', {
            sent: digest.sent.length,
            failed: digest.failed.length,
          });
        }
      }
    },
    ...(Object.fromEntries(
      SCHEDULED_FREQUENCIES.map((frequency) => [`digest-${frequency}`, () => digestStep(frequency)]),
    ) as Record<`digest-${ScheduledFrequency}`, () => Promise<void>>),
  };

  async function digestStep(frequency: ScheduledFrequency): Promise<void> {
    const report = await services.runDigest(deps, { frequency });
    logger.log('info', `${frequency} digest sent`, {
      sent: report.sent.length,
      failed: report.failed.length,
    });
  }

  function run(job: JobName): Promise<boolean> {
    if (stopped) return Promise.resolve(false);
    if (running.has(job)) {
      logger.log('info', 'previous run still going, tick skipped', { job });
      return Promise.resolve(false);
    }
    const step = steps[job]()
      .catch((error: unknown) => logger.log('error', 'scheduled job failed', { job, error }))
      .finally(() => running.delete(job));
    running.set(job, step);
    return step.then(() => true);
  }

  const defs = schedulesFor(deps.config, 'local');
  // Never started: node-cron only matches; the timer below says which minute it is.
  const matchers: { name: JobName; task: ScheduledTask }[] = defs.map((def) => ({
    name: def.name,
    task: cron.createTask(toNodeCron(def), () => {}, { name: def.name, timezone: def.timezone }),
  }));

  function tick(minute: Date): JobName[] {
    const due = matchers.filter(({ task }) => task.match(minute)).map(({ name }) => name);
    for (const name of due) void run(name);
    return due;
  }

  let tickTimer: NodeJS.Timeout | undefined;
  // The minute the process started in is not ticked: `pollAtStart` covers it.
  let lastMinute = Math.floor(deps.clock.now().getTime() / MINUTE_MS);
  function arm(): void {
    const delay = Math.max(0, (lastMinute + 1) * MINUTE_MS - deps.clock.now().getTime());
    tickTimer = setTimeout(onTimer, delay);
    // The HTTP server keeps the process alive; the scheduler alone must not.
    tickTimer.unref();
  }
  function onTimer(): void {
    if (stopped) return;
    // A timer firing a hair early still ticks the minute it was armed for; after a sleep
    // (laptop lid) the missed minutes are skipped, as cron does.
    lastMinute = Math.max(lastMinute + 1, Math.floor(deps.clock.now().getTime() / MINUTE_MS));
    tick(new Date(lastMinute * MINUTE_MS));
    arm();
  }
  arm();

  logger.log('info', 'scheduler started', {
    jobs: defs.map((def) => `${def.name} "${def.cron}" ${def.timezone}`),
    now: deps.clock.now().toISOString(),
  });
  if (options.pollAtStart ?? true) void run('poll');

  return {
    run,
    tick,
    busy: (job) => running.has(job),
    async stop() {
      stopped = true;
      clearTimeout(tickTimer);
      await Promise.all(matchers.map(({ task }) => task.destroy()));
      if (running.size === 0) return true;
      logger.log('info', 'waiting for running jobs', { jobs: [...running.keys()] });
      const timeoutMs = options.stopTimeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled(running.values()).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) logger.log('warn', 'jobs still running at shutdown', { jobs: [...running.keys()] });
      return finished;
    },
  };
}
