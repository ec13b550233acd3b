/**
 * @module The schedules (shared/config/schedules.ts) on EventBridge Scheduler (`sst.aws.CronV2`, which
 * takes a time zone): the poll tick fans out one SQS message per due source to a worker with
 * bounded concurrency, so no single function has to poll every source inside its time limit;
 * the digests run at the config crons in `digests.timezone`; the outbox queue (confirmations,
 * notices, escalations) is drained every minute. A one-minute schedule rather than an SQS nudge
 * from the API: the API stays free of a second AWS client and link, the table already holds the
 * queue with its retries, and a minute is an acceptable wait for a confirmation email.
 */
import { schedulesFor, toEventBridge } from '../shared/config/schedules.ts';
import type { ScheduledFrequency } from '../shared/domain/types.ts';
import { SCHEDULED_FREQUENCIES } from '../shared/domain/vocabulary.ts';
import { api } from './api.ts';
import { config } from './config.ts';
import { baseLinks, functionDefaults } from './functions.ts';

/** Sources polled at once on AWS; each worker run is one source (plus its immediate digest). */
export const WORKER_CONCURRENCY = 4;
const WORKER_TIMEOUT_SECONDS = 300;

/** Messages that failed three deliveries land here instead of cycling for the 4-day retention. */
export const pollDeadLetters = new sst.aws.Queue('PollDeadLetters');

// SQS must hide a message for longer than a worker may hold it, or a slow poll is redelivered
// to a second worker while the first is still running.
export const pollQueue = new sst.aws.Queue('PollQueue', {
  visibilityTimeout: `${WORKER_TIMEOUT_SECONDS * 2} seconds`,
  dlq: { queue: pollDeadLetters.arn, retry: 3 },
});

pollQueue.subscribe(
  {
    ...functionDefaults,
    handler: 'functions/worker.handler',
    timeout: `${WORKER_TIMEOUT_SECONDS} seconds`,
    link: [...baseLinks, api],
  },
  {
    batch: { size: 1, partialResponses: true },
    transform: {
      eventSourceMapping: (args) => {
        args.scalingConfig = { maximumConcurrency: WORKER_CONCURRENCY };
      },
    },
  },
);

const jobs = Object.fromEntries(schedulesFor(config, 'aws').map((def) => [def.name, def]));

function schedule(name: string) {
  const def = jobs[name];
  if (!def) throw new Error(`no schedule named ${name}`);
  return { schedule: toEventBridge(def) as `cron(${string})`, timezone: def.timezone };
}

export const pollCron = new sst.aws.CronV2('PollCron', {
  ...schedule('poll'),
  function: {
    ...functionDefaults,
    handler: 'functions/poll.handler',
    timeout: '5 minutes',
    link: [...baseLinks, api, pollQueue],
  },
});

/** `daily` → `DigestDaily`: the resource name of a frequency's digest schedule. */
function digestCronName(frequency: ScheduledFrequency): string {
  return `Digest${frequency[0]?.toUpperCase()}${frequency.slice(1)}`;
}

function digestCron(frequency: ScheduledFrequency) {
  return new sst.aws.CronV2(digestCronName(frequency), {
    ...schedule(`digest-${frequency}`),
    event: { frequency },
    function: {
      ...functionDefaults,
      handler: 'functions/digest.handler',
      timeout: '15 minutes',
      link: [...baseLinks, api],
    },
  });
}

/** One digest schedule per scheduled frequency (`immediate` runs after each poll instead). */
export const digestCrons = Object.fromEntries(
  SCHEDULED_FREQUENCIES.map((frequency) => [frequency, digestCron(frequency)]),
) as Record<ScheduledFrequency, ReturnType<typeof digestCron>>;

/** How often the outbox queue is drained on AWS; the longest a confirmation waits. */
export const MAIL_DRAIN_SCHEDULE = 'rate(1 minute)';

export const mailCron = new sst.aws.CronV2('MailCron', {
  schedule: MAIL_DRAIN_SCHEDULE,
  function: {
    ...functionDefaults,
    handler: 'functions/mail.handler',
    timeout: '5 minutes',
    link: baseLinks,
  },
});
