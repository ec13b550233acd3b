/**
 * @module The local drain of the outbox queue (shared/services/mail-queue.ts) for `start`,
 * `serve` and `demo`: at once on start (mail a crashed process left behind), right after every
 * mail this process queues (the `mailQueued` nudge), and every minute (retries that came due,
 * mail queued by one-shot commands). Drains never overlap: a nudge during a drain runs one more
 * drain after it, so nothing queued meanwhile waits for the minute.
 */

import { drainMailQueue } from '../../shared/services/mail-queue.ts';
import type { ServiceDeps } from '../../shared/services/service-deps.ts';

export interface MailPump {
  /** Asks for a drain; returns when the drain that covers this call has finished. */
  nudge(): Promise<void>;
  /** Stops the timer and waits for a running drain. */
  stop(): Promise<void>;
}

export function startMailPump(deps: ServiceDeps, options: { everyMs?: number } = {}): MailPump {
  const logger = deps.logger.child({ component: 'mail-queue' });
  let running: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  let stopped = false;

  const drainOnce = () =>
    drainMailQueue(deps).then(
      () => {},
      (error: unknown) => logger.log('error', 'mail queue drain failed', { error }),
    );

  function nudge(): Promise<void> {
    if (stopped) return running ?? Promise.resolve();
    if (!running) {
      running = drainOnce().finally(() => {
        running = null;
      });
      return running;
    }
    // Running: one more drain after it covers every nudge that arrives meanwhile.
    again ??= running.then(() => {
      again = null;
      return nudge();
    });
    return again;
  }

  deps.mailQueued = () => void nudge();
  const timer = setInterval(() => void nudge(), options.everyMs ?? 60_000);
  timer.unref();
  void nudge();

  return {
    nudge,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (deps.mailQueued) delete deps.mailQueued;
      await (again ?? running);
    },
  };
}
