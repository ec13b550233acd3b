/**
 * @module Sending the one-off emails: the opt-in confirmation and the staff-created notice.
 * Takes the slice of the service dependencies it needs, so `mail` never imports `services`.
 */
import type { Config } from '../config.ts';
import type { Subscriber } from '../domain/types.ts';
import type { Mailer } from '../ports.ts';
import { parseMailbox } from './address.ts';
import { confirmUrl, manageUrl, unsubscribeUrl } from './links.ts';
import { renderConfirmation, renderStaffNotice } from './render-notices.ts';
import { composeAndSend, type Envelope } from './send.ts';
import type { TokenPayload } from './tokens.ts';

export interface NoticeContext {
  config: Pick<Config, 'organisation' | 'digests' | 'topics'>;
  mailer: Mailer;
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

/** Sends the opt-in link for a `confirm` token payload. */
export async function sendConfirmation(
  context: NoticeContext,
  payload: TokenPayload,
  replacesExisting: boolean,
  now: Date,
): Promise<void> {
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
  await composeAndSend(context.mailer, envelopeTo(context, payload.email), rendered, now);
}

/** Tells a person staff subscribed them, with manage and unsubscribe links. */
export async function sendStaffNotice(
  context: NoticeContext,
  subscriber: Subscriber,
  now: Date,
): Promise<void> {
  const links = linksFor(context, subscriber);
  const rendered = renderStaffNotice({
    organisation: context.config.organisation,
    email: subscriber.email,
    topicTitles: topicTitles(context, subscriber.topics),
    frequency: subscriber.frequency,
    links,
  });
  await composeAndSend(
    context.mailer,
    { ...envelopeTo(context, subscriber.email), unsubscribeUrl: links.unsubscribe },
    rendered,
    now,
  );
}
