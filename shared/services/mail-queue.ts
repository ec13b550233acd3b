/**
 * @module The outbox: one-off emails (confirmations, staff notices, source escalations) are
 * built and queued in the store by whoever wants them sent, and sent later by a drain (the local
 * scheduler right after a nudge and every minute; on AWS a one-minute cron).
 *
 * Why: a request that sent mail itself took as long as SES did, and skipped that time for an
 * address it would not mail (a suppressed one), so its answer time told anyone which addresses
 * had bounced; staff creating many subscribers also waited behind the send pacing. Now every
 * request does the same store work whatever the address, and the drain decides not to mail a
 * suppressed address.
 *
 * The drain is idempotent: each mail is claimed with a conditional write, sent, then marked.
 * A drain that crashes between SES accepting a mail and the mark leaves a claim that goes
 * stale after 15 minutes and is sent again: the only way a queued mail goes out twice. A failed
 * send is retried with back-off (1, 2, 4, 8 … minutes) and given up after `MAIL_MAX_ATTEMPTS`,
 * with an error in the log.
 */
import { randomUUID } from 'node:crypto';
import type { QueuedMail } from '../domain/ports.ts';
import { forEachLimited } from '../system/pool.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Send attempts before a mail is given up (logged as an error). */
export const MAIL_MAX_ATTEMPTS = 5;
/** A claim older than this is a drain that crashed (the same window as digests). */
export const MAIL_STALE_CLAIM_MS = 15 * 60 * 1000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 60 * 60_000;
/** Mail read per query; a drain reads again while pages come back full. */
const PAGE = 100;

/** Back-off before attempt `attempts + 1`, after `attempts` failures. */
export function mailRetryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

export interface MailToQueue {
  /** A deterministic id makes queueing idempotent (a second call queues nothing). */
  id?: string;
  kind: string;
  to: string;
  raw: Buffer;
}

let sequence = 0;
/** Sorts in queueing order within a process (wall-clock time, then a counter), then random. */
function mailId(): string {
  sequence = (sequence + 1) % 36 ** 4;
  return `${Date.now().toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}-${randomUUID()}`;
}

/** Queues one mail (one store write) and nudges the drain when this process has one. */
export async function enqueueMail(deps: ServiceDeps, mail: MailToQueue): Promise<string> {
  const id = mail.id ?? mailId();
  const at = deps.clock.now().toISOString();
  await deps.store.mailQueue.enqueue({
    id,
    kind: mail.kind,
    from: deps.mailFrom,
    to: mail.to,
    raw: mail.raw,
    enqueuedAt: at,
    dueAt: at,
  });
  deps.mailQueued?.();
  return id;
}

export interface DrainReport {
  sent: number;
  skipped: number;
  retried: number;
  failed: number;
}

export interface DrainOptions {
  /** Mails sent at once (the mailer still paces to the SES rate); default 4. */
  concurrency?: number;
}

/** Sends everything due now; safe to run concurrently with other drains. */
export async function drainMailQueue(deps: ServiceDeps, options: DrainOptions = {}): Promise<DrainReport> {
  const report: DrainReport = { sent: 0, skipped: 0, retried: 0, failed: 0 };
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.mailQueue.due(now.toISOString(), PAGE);
    // One recipient's mail goes in queueing order (a later confirmation after an earlier one).
    const groups = new Map<string, QueuedMail[]>();
    for (const mail of due) groups.set(mail.to, [...(groups.get(mail.to) ?? []), mail]);
    const byRecipient = [...groups.values()];
    let handled = 0;
    await forEachLimited(byRecipient, options.concurrency ?? 4, async (mails) => {
      for (const mail of mails) {
        const result = await deliver(deps, mail);
        if (result !== 'busy') {
          handled++;
          report[result]++;
        }
      }
    });
    // A short page is the end; a full page of mail other drains hold would only spin.
    if (due.length < PAGE || handled === 0) break;
  }
  if (report.sent + report.skipped + report.retried + report.failed > 0) {
    deps.logger.log(report.failed + report.retried > 0 ? 'warn' : 'info', 'mail queue drained', {
      ...report,
    });
  }
  return report;
}

type Result = keyof DrainReport | 'busy';

async function deliver(deps: ServiceDeps, mail: QueuedMail): Promise<Result> {
  const queue = deps.store.mailQueue;
  const now = deps.clock.now();
  const at = now.toISOString();
  const staleBefore = new Date(now.getTime() - MAIL_STALE_CLAIM_MS).toISOString();
  if (!(await queue.claim(mail.id, at, staleBefore))) return 'busy';
  const recipient = await deps.store.subscribers.get(mail.to);
  if (recipient?.status === 'suppressed') {
    // Bounced or complained: mailing it again harms delivery for everyone. Not logged with the
    // address, which only staff may see.
    await queue.finish(mail.id, { status: 'skipped', reason: 'suppressed' }, at, mail.attempts);
    return 'skipped';
  }
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.sendRaw({ from: mail.from, to: mail.to, raw: mail.raw }));
  } catch (error) {
    const attempts = mail.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (attempts >= MAIL_MAX_ATTEMPTS) {
      deps.logger.log('error', 'queued mail given up', { id: mail.id, kind: mail.kind, attempts, error });
      await queue.finish(mail.id, { status: 'failed', error: message }, at, attempts);
      return 'failed';
    }
    const dueAt = new Date(now.getTime() + mailRetryDelayMs(attempts)).toISOString();
    deps.logger.log('warn', 'queued mail not sent; retried later', {
      id: mail.id,
      kind: mail.kind,
      dueAt,
      error,
    });
    await queue.retryLater(mail.id, attempts, dueAt, message);
    return 'retried';
  }
  await markSent(deps, mail, messageId);
  return 'sent';
}

/** SES accepted it: the record must follow, or the stale claim sends it again in 15 minutes. */
async function markSent(deps: ServiceDeps, mail: QueuedMail, messageId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.mailQueue.finish(
        mail.id,
        { status: 'sent', messageId },
        deps.clock.now().toISOString(),
        mail.attempts,
      );
      return;
    } catch (error) {
      if (attempt >= 3) {
        deps.logger.log('error', 'queued mail sent but not recorded: it may be sent again', {
          id: mail.id,
          messageId,
          error,
        });
        return;
      }
    }
  }
}
