/**
 * @module SES bounce and complaint feedback delivered by SNS: verify the message, confirm the
 * topic subscription, and suppress each permanently bouncing or complaining address.
 */
import type { Clock, Logger, SubscriberRepo } from '../domain/ports.ts';
import {
  checkCertificateUrl,
  checkSubscribeUrl,
  parseSnsMessage,
  sesSuppressions,
  verifySnsSignature,
} from '../mail/sns.ts';

export type SnsResult =
  /** Not a well-formed SNS message, or its signature does not verify (HTTP 400/403). */
  | { outcome: 'invalid'; reason: string }
  | { outcome: 'subscription-confirmed'; subscribeUrl: string }
  /** The SubscribeURL could not be fetched: reported so an operator can open it. */
  | { outcome: 'subscription-unconfirmed'; subscribeUrl: string; error: string }
  | { outcome: 'suppressed'; emails: string[] }
  | { outcome: 'ignored'; reason: string };

export interface FeedbackContext {
  subscribers: SubscriberRepo;
  clock: Clock;
  logger: Logger;
  /**
   * The SNS topics SES feedback comes from. Anyone can create a topic in their own AWS account
   * and have AWS sign messages for it, so a valid signature alone proves nothing about who is
   * bouncing: without this check a stranger could subscribe us and "bounce" any address.
   */
  topicArns: readonly string[];
  /** Fetches the signing certificate (PEM). */
  fetchCertificate: (url: string) => Promise<string>;
  /** GETs the SubscribeURL of a SubscriptionConfirmation. */
  visit: (url: string) => Promise<void>;
}

export async function processSnsNotification(context: FeedbackContext, body: string): Promise<SnsResult> {
  const message = parseSnsMessage(body);
  if (!message) return { outcome: 'invalid', reason: 'not an SNS message' };
  // Before any fetch: a message from a topic we do not know costs us nothing.
  if (!context.topicArns.includes(message.TopicArn)) {
    return {
      outcome: 'invalid',
      reason:
        context.topicArns.length === 0
          ? 'no SES feedback topic is configured (SES_FEEDBACK_TOPIC_ARNS)'
          : `topic ${message.TopicArn} is not a configured SES feedback topic`,
    };
  }
  const badUrl = checkCertificateUrl(message.SigningCertURL, message.TopicArn);
  if (badUrl) return { outcome: 'invalid', reason: badUrl };
  let certificate: string;
  try {
    certificate = await context.fetchCertificate(message.SigningCertURL);
  } catch (error) {
    return { outcome: 'invalid', reason: `signing certificate unavailable: ${(error as Error).message}` };
  }
  if (!verifySnsSignature(message, certificate, context.clock.now())) {
    return { outcome: 'invalid', reason: 'signature does not verify' };
  }
  if (message.Type === 'SubscriptionConfirmation') {
    const url = message.SubscribeURL ?? '';
    const bad = checkSubscribeUrl(url, message.TopicArn);
    if (bad) return { outcome: 'invalid', reason: bad };
    try {
      await context.visit(url);
      return { outcome: 'subscription-confirmed', subscribeUrl: url };
    } catch (error) {
      context.logger.log('warn', 'SNS subscription not confirmed; open the SubscribeURL', { url, error });
      return { outcome: 'subscription-unconfirmed', subscribeUrl: url, error: (error as Error).message };
    }
  }
  if (message.Type === 'UnsubscribeConfirmation')
    return { outcome: 'ignored', reason: 'unsubscribe confirmation' };
  const suppression = sesSuppressions(message.Message);
  if (!suppression) return { outcome: 'ignored', reason: 'not a permanent bounce or a complaint' };
  const emails: string[] = [];
  for (const email of suppression.emails) {
    if (await suppress(context, email, suppression.reason)) emails.push(email);
  }
  context.logger.log('info', 'addresses suppressed', { emails, reason: suppression.reason });
  return { outcome: 'suppressed', emails };
}

/** Marks a known address suppressed (with optimistic concurrency). False when unknown. */
async function suppress(context: FeedbackContext, email: string, reason: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const subscriber = await context.subscribers.get(email);
    if (!subscriber) return false;
    const at = context.clock.now().toISOString();
    const { pending: _pending, ...rest } = subscriber;
    const next = { ...rest, status: 'suppressed' as const, suppressedReason: reason, updatedAt: at };
    if (await context.subscribers.update(next, subscriber)) return true;
  }
  throw new Error(`could not suppress ${email}: changed concurrently`);
}
