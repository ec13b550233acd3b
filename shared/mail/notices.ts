/**
 * @module Building the one-off emails (the opt-in confirmation and the staff-created notice) as
 * whole MIME messages, ready for the outbox queue (services/mail-queue.ts). Takes the slice of
 * the service dependencies it needs, so `mail` never imports `services`.
 */
import type { Config } from '../config/schema.ts';
import { parseMailbox } from '../domain/mailbox.ts';
import type { Subscriber } from '../domain/types.ts';
import { confirmUrl, manageUrl, unsubscribeUrl } from './links.ts';
import { buildMime } from './mime.ts';
import { renderConfirmation, renderStaffNotice } from './render-notices.ts';
import type { Envelope } from './send.ts';
import type { TokenPayload } from './tokens.ts';

export interface NoticeContext {
  config: Pick<Config, 'organisation' | 'digests' | 'topics'>;
  mailFrom: string;
  publicUrl: string;
  signingSecret: string;
}

export function topicTitles(context: NoticeContext, ids: readonly string[]): string[] {
  return context.config.topics.filter((topic) => ids.includes(topic.id)).map((topic) => topic.title);
}

export function envelopeTo(context: NoticeContext, to: string): Envelope {
  // `digests.from` / `MAIL_FROM` may carry its own display name, which then wins.
  const from = parseMailbox(context.mailFrom);
  return {
    fromName: from?.name ?? context.config.organisation.name,
    fromAddress: from?.address ?? context.mailFrom,
    to,
  };
}

export function linksFor(
  context: NoticeContext,
  subscriber: Pick<Subscriber, 'email' | 'version'>,
): { manage: string; unsubscribe: string } {
  return { manage: manageUrl(context, subscriber), unsubscribe: unsubscribeUrl(context, subscriber) };
}

/** The opt-in email for a `confirm` token payload. */
export async function buildConfirmation(
  context: NoticeContext,
  payload: TokenPayload,
  replacesExisting: boolean,
  now: Date,
): Promise<Buffer> {
  const rendered = renderConfirmation({
    organisation: context.config.organisation,
    timezone: context.config.digests.timezone,
    email: payload.email,
    topicTitles: topicTitles(context, payload.topics ?? []),
    frequency: payload.frequency ?? 'daily',
    confirmUrl: confirmUrl(context, payload),
    expiresAt: new Date(payload.expiresAt ?? now.getTime()),
    replacesExisting,
  });
  return buildMime({ ...envelopeTo(context, payload.email), ...rendered, date: now });
}

/** Tells a person staff subscribed them, with manage and unsubscribe links. */
export async function buildStaffNotice(
  context: NoticeContext,
  subscriber: Subscriber,
  now: Date,
): Promise<Buffer> {
  const links = linksFor(context, subscriber);
  const rendered = renderStaffNotice({
    organisation: context.config.organisation,
    email: subscriber.email,
    topicTitles: topicTitles(context, subscriber.topics),
    frequency: subscriber.frequency,
    links,
  });
  return buildMime({
    ...envelopeTo(context, subscriber.email),
    unsubscribeUrl: links.unsubscribe,
    ...rendered,
    date: now,
  });
}
