/**
 * @module The `Mailer` on SES (`SendRawEmail`): paced to the account's maximum send rate and
 * backing off when SES says it is being sent to too fast. Errors say whether a retry may help.
 */
import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mailboxAddress } from '../domain/mailbox.ts';
import type { Mailer, RawEmail } from '../domain/ports.ts';

export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SesMailerOptions {
  client: SESClient;
  /** Emails per second at most (SES `MaxSendRate`). */
  maxSendRate: number;
  /** Attempts after the first when SES throttles or fails transiently; default 4. */
  maxRetries?: number;
  /** First back-off delay, doubled each retry (capped at 30 s); default 1000 ms. */
  backoffMs?: number;
  /** Injected in tests so pacing and back-off need no real waiting. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const MAX_BACKOFF_MS = 30_000;

export function createSesMailer(options: SesMailerOptions): Mailer {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const interval = 1000 / options.maxSendRate;
  const maxRetries = options.maxRetries ?? 4;
  const backoffMs = options.backoffMs ?? 1000;
  let nextSlot = 0;

  // Slots are handed out synchronously, so concurrent callers queue instead of bursting.
  async function pace(): Promise<void> {
    const at = Math.max(now(), nextSlot);
    nextSlot = at + interval;
    const wait = at - now();
    if (wait > 0) await sleep(wait);
  }

  return {
    async sendRaw(email: RawEmail) {
      for (let attempt = 0; ; attempt++) {
        await pace();
        try {
          const result = await options.client.send(
            new SendRawEmailCommand({
              RawMessage: { Data: email.raw },
              // The envelope sender is the bare address; the From header carries the name.
              Source: mailboxAddress(email.from),
              Destinations: [email.to],
            }),
          );
          if (!result.MessageId)
            throw new MailSendError('SES accepted the message without a MessageId', false);
          return { messageId: result.MessageId };
        } catch (error) {
          const failure = classify(error);
          if (!failure.retryable || attempt >= maxRetries || !failure.retryHere) throw failure;
          const delay = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** attempt);
          // Throttling means the rate was wrong: everyone behind us waits too.
          nextSlot = Math.max(nextSlot, now() + delay);
          await sleep(delay);
        }
      }
    },
  };
}

interface Classified extends MailSendError {
  /** Worth retrying within this send (throttling, transient); false for quotas that last a day. */
  retryHere: boolean;
}

/** Maps an SDK error to `MailSendError`, deciding whether to retry. */
export function classify(error: unknown): Classified {
  if (error instanceof MailSendError) return Object.assign(error, { retryHere: false });
  const err = error as {
    name?: string;
    message?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  const name = err?.name ?? 'Error';
  const message = err?.message ?? String(error);
  const status = err?.$metadata?.httpStatusCode;
  const throttled =
    name === 'Throttling' || name === 'ThrottlingException' || /maximum sending rate exceeded/i.test(message);
  const dailyQuota = /daily message quota exceeded/i.test(message);
  const transient =
    throttled ||
    Boolean(err?.$retryable) ||
    (status !== undefined && status >= 500) ||
    name === 'TimeoutError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(err?.code ?? '');
  const wrapped = new MailSendError(`SES ${name}: ${message}`, transient || dailyQuota, { cause: error });
  return Object.assign(wrapped, { retryHere: transient && !dailyQuota });
}
