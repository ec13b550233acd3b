/**
 * @module The one bag of dependencies every use case takes. Built once per process by
 * `functions/wiring.ts` (env / SST links) or by tests (dynalite, SES emulator, fixture server).
 */
import type { Config } from '../config/schema.ts';
import type { Clock, Fetcher, Logger, Mailer, Store } from '../domain/ports.ts';

export interface ServiceDeps {
  config: Config;
  store: Store;
  fetcher: Fetcher;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  /** Where links in emails point, without a trailing slash (`PUBLIC_URL`). */
  publicUrl: string;
  /** HMAC key for email tokens (`SIGNING_SECRET`). */
  signingSecret: string;
  /** Staff API keys (`STAFF_API_KEYS`). */
  staffKeys: readonly string[];
  /**
   * SNS topics whose SES bounce/complaint notifications are accepted (`SES_FEEDBACK_TOPIC_ARNS`);
   * none: every notification is refused.
   */
  snsTopicArns?: readonly string[];
  /** Sender address (`MAIL_FROM`, else `digests.from`). */
  mailFrom: string;
  /**
   * Behind a proxy that overwrites `X-Forwarded-For`: take the client address from it (rate
   * limits). Default false: the socket / API Gateway source address.
   */
  trustProxy?: boolean;
  /**
   * Called after a mail is queued (services/mail-queue.ts): the local runtime drains the queue at
   * once; without it (Lambda) the next scheduled drain sends it. Never awaited by the caller.
   */
  mailQueued?: () => void;
}
