/**
 * @module The local scheduler of `policy-watch start` (SPEC §4), on node-cron: a poll tick for
 * the sources that are due, the immediate digest after each poll that created alerts, and the
 * daily/weekly digests at their crons in `digests.timezone`. A job never overlaps itself: a
 * tick that finds its job still running is skipped and logged.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../shared/ports.ts';
import { type ScheduleDef, schedulesFor, toNodeCron } from '../../shared/schedules.ts';
import type { ServiceDeps } from '../../shared/services/deps.ts';
import { runDigest } from '../../shared/services/digest.ts';
import { runPollCycle } from '../../shared/services/poll.ts';

export type JobName = ScheduleDef['name'];

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

  const steps: Record<JobName, () => Promise<void>> = {
    poll: async () => {
      const report = await services.runPollCycle(deps, { dueOnly: true });
      if (report.alerts.length === 0) return;
      const digest = await services.runDigest(deps, { frequency: 'immediate' });
      logger.log('info', 'immediate digest sent', { sent: digest.sent.length, failed: digest.failed.length });
    },
    'digest-daily': () => digestStep('daily'),
    'digest-weekly': () => digestStep('weekly'),
  };

  async function digestStep(frequency: 'daily' | 'weekly'): Promise<void> {
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

  const tasks: ScheduledTask[] = schedulesFor(deps.config, 'local').map((def) =>
    cron.schedule(toNodeCron(def), () => void run(def.name), {
      name: def.name,
      timezone: def.timezone,
      logger: cronLogger(logger),
    }),
  );
  logger.log('info', 'scheduler started', {
    jobs: schedulesFor(deps.config, 'local').map((def) => `${def.name} "${def.cron}" ${def.timezone}`),
  });
  if (options.pollAtStart ?? true) void run('poll');

  return {
    run,
    busy: (job) => running.has(job),
    async stop() {
      stopped = true;
      await Promise.all(tasks.map((task) => task.destroy()));
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

/** node-cron's own messages (missed executions after a sleep, …) go to our log at debug. */
function cronLogger(logger: Logger) {
  return {
    info: (message: string) => logger.log('debug', message),
    warn: (message: string) => logger.log('debug', message),
    error: (message: string | Error) => logger.log('warn', String(message)),
    debug: (message: string | Error) => logger.log('debug', String(message)),
  };
}
