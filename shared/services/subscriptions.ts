/**
 * @module Subscriptions (docs/contract.md §6): double opt-in, manage and unsubscribe by signed token, staff
 * administration and SES bounce/complaint suppression.
 *
 * Decisions: a request always answers the same and always sends a confirmation (no address
 * enumeration). A pending address keeps its version; a confirmed one keeps its record until the
 * link is followed, which then replaces topics and frequency (keeping `confirmedAt`). An
 * unsubscribed address may opt in again: its record is untouched until the link is followed, which
 * re-creates the subscription under the `nextVersion` carried by the token (old manage/unsubscribe
 * links die, `confirmedAt` restarts so no backlog is sent). A suppressed address (permanent bounce
 * or complaint) gets no email at all, not even a confirmation: anyone could otherwise make us
 * mail it again and harm delivery for everyone; the answer is the same 202 after the same store
 * work (the confirmation is queued and the outbox drain declines to send it), and staff lift a
 * suppression by deleting the record. Manage links never lift a suppression.
 */

import {
  enforceRateLimits,
  newVersion,
  normaliseEmail,
  type SubscriptionChoice,
  sameChoice,
  validChoice,
} from '../domain/subscription-rules.ts';
import type { Subscriber } from '../domain/types.ts';
import { buildConfirmation, buildStaffNotice, linksFor } from '../mail/notices.ts';
import {
  CONFIRM_TOKEN_TTL_MS,
  type TokenPayload,
  type TokenPurpose,
  verifyTokenFor,
} from '../mail/tokens.ts';
import { enqueueMail } from './mail-queue.ts';
import type { ServiceDeps } from './service-deps.ts';
import { processSnsNotification, type SnsResult } from './ses-feedback.ts';

export {
  normaliseEmail,
  RateLimitedError,
  type SubscriptionChoice,
  SubscriptionInputError,
} from '../domain/subscription-rules.ts';
export type { SnsResult } from './ses-feedback.ts';

export interface SubscriptionRequest extends SubscriptionChoice {
  email: string;
  /** Who asked (client IP or similar), for the per-client rate limit. */
  client: string;
}

/** malformed / forged → HTTP 400; expired / revoked → HTTP 410. */
export type TokenFailureReason = 'malformed' | 'forged' | 'expired' | 'revoked';
export type TokenFailure = { ok: false; reason: TokenFailureReason };

export type TokenCheck = { ok: true; subscriber: Subscriber; payload: TokenPayload } | TokenFailure;
export type ConfirmResult = { ok: true; subscriber: Subscriber; alreadyConfirmed: boolean } | TokenFailure;
export type UpdateResult = { ok: true; subscriber: Subscriber } | TokenFailure;
export type UnsubscribeResult =
  | { ok: true; subscriber: Subscriber; alreadyUnsubscribed: boolean }
  | TokenFailure;
/** `noticeSent` false: created, but the notice could not be queued (logged; the record stands). */
export type CreateSubscriberResult =
  | { status: 'created'; subscriber: Subscriber; noticeSent: boolean }
  | { status: 'exists' };

const topicIds = (deps: ServiceDeps) => deps.config.topics.map((topic) => topic.id);

/** Always resolves `{ status: 'pending' }` for valid input, known address or not (no enumeration). */
export async function requestSubscription(
  deps: ServiceDeps,
  request: SubscriptionRequest,
): Promise<{ status: 'pending' }> {
  const email = normaliseEmail(String(request.email ?? ''));
  const choice = validChoice(topicIds(deps), request, email);
  await enforceRateLimits(deps.store.rateLimits, deps.clock.now(), email, request.client);
  const now = deps.clock.now();
  const at = now.toISOString();
  let subscriber = await deps.store.subscribers.get(email);
  if (!subscriber) {
    const created: Subscriber = {
      email,
      ...choice,
      status: 'pending',
      createdAt: at,
      confirmedAt: null,
      version: newVersion(),
      updatedAt: at,
    };
    subscriber = (await deps.store.subscribers.create(created))
      ? created
      : await deps.store.subscribers.get(email);
    if (!subscriber) throw new Error(`subscriber ${email} vanished while being created`);
  } else {
    // Every known address gets the same one write, whatever its status, so the store work (and
    // so the answer time) never tells a suppressed address from another. Shown to staff only;
    // the token carries the choice, so a lost race here changes nothing.
    const next: Subscriber =
      subscriber.status === 'pending'
        ? { ...subscriber, ...choice, updatedAt: at }
        : { ...subscriber, pending: { ...choice, requestedAt: at }, updatedAt: at };
    await deps.store.subscribers.update(next, subscriber);
  }
  const revive = subscriber.status === 'unsubscribed' || subscriber.status === 'suppressed';
  const payload: TokenPayload = {
    purpose: 'confirm',
    email,
    version: subscriber.version,
    expiresAt: now.getTime() + CONFIRM_TOKEN_TTL_MS,
    ...choice,
    ...(revive ? { nextVersion: newVersion() } : {}),
  };
  // Queued for a suppressed address too (same work); the drain does not send it.
  const raw = await buildConfirmation(deps, payload, subscriber.status === 'confirmed', now);
  await enqueueMail(deps, { kind: 'confirmation', to: email, raw });
  return { status: 'pending' };
}

/** For GET pages: never changes anything. An `unsubscribe` check also accepts `manage` tokens. */
export async function checkToken(
  deps: ServiceDeps,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenCheck> {
  const purposes: TokenPurpose[] = purpose === 'unsubscribe' ? ['unsubscribe', 'manage'] : [purpose];
  const verified = verifyTokenFor(token, purposes, deps.signingSecret, deps.clock.now());
  if (!verified.ok) return verified;
  const { payload } = verified;
  const subscriber = await deps.store.subscribers.get(payload.email);
  if (!subscriber) return { ok: false, reason: 'revoked' };
  const current =
    subscriber.version === payload.version ||
    (payload.purpose === 'confirm' && payload.nextVersion === subscriber.version);
  return current ? { ok: true, subscriber, payload } : { ok: false, reason: 'revoked' };
}

/**
 * Applies `change` to the current record with optimistic concurrency, re-reading on a lost race.
 * `change` returns the new record, or a final result to return without writing.
 */
async function mutate<R>(
  deps: ServiceDeps,
  token: string,
  purpose: TokenPurpose,
  change: (subscriber: Subscriber, payload: TokenPayload, at: string) => Subscriber | R,
  done: (subscriber: Subscriber) => R,
): Promise<R | TokenFailure> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const check = await checkToken(deps, token, purpose);
    if (!check.ok) return check;
    const at = deps.clock.now().toISOString();
    const next = change(check.subscriber, check.payload, at);
    if (!isSubscriber(next)) return next;
    if (await deps.store.subscribers.update(next, check.subscriber)) return done(next);
  }
  throw new Error('subscription changed concurrently too often; try again');
}

function isSubscriber(value: unknown): value is Subscriber {
  return typeof value === 'object' && value !== null && 'email' in value && 'version' in value;
}

export async function confirmSubscription(deps: ServiceDeps, token: string): Promise<ConfirmResult> {
  let already = false;
  return mutate<ConfirmResult>(
    deps,
    token,
    'confirm',
    (subscriber, payload, at) => {
      const known = deps.config.topics.map((topic) => topic.id);
      const chosen = (payload.topics ?? []).filter((id) => known.includes(id));
      const choice = {
        topics: chosen.length > 0 ? chosen : subscriber.topics,
        frequency: payload.frequency ?? subscriber.frequency,
      };
      const { pending: _pending, suppressedReason: _reason, ...rest } = subscriber;
      if (payload.nextVersion !== undefined && subscriber.version === payload.nextVersion) {
        // This very link already re-created the subscription; later choices (even leaving) stand.
        return { ok: true, subscriber, alreadyConfirmed: true };
      }
      if (subscriber.status === 'pending') {
        return { ...rest, ...choice, status: 'confirmed', confirmedAt: at, updatedAt: at };
      }
      if (subscriber.status === 'confirmed') {
        already = sameChoice(subscriber, choice) && !subscriber.pending;
        if (already) return { ok: true, subscriber, alreadyConfirmed: true };
        return { ...rest, ...choice, updatedAt: at };
      }
      // Unsubscribed or suppressed after the link was sent without a re-creation version: the later choice wins.
      if (payload.nextVersion === undefined) return { ok: false, reason: 'revoked' };
      return {
        ...rest,
        ...choice,
        status: 'confirmed',
        version: payload.nextVersion,
        createdAt: at,
        confirmedAt: at,
        updatedAt: at,
      };
    },
    (subscriber) => ({ ok: true, subscriber, alreadyConfirmed: already }),
  );
}

/** With a `manage` token; throws `SubscriptionInputError` on empty/unknown topics. */
export async function updateSubscription(
  deps: ServiceDeps,
  token: string,
  choice: SubscriptionChoice,
): Promise<UpdateResult> {
  return mutate<UpdateResult>(
    deps,
    token,
    'manage',
    (subscriber, _payload, at) => {
      const valid = validChoice(topicIds(deps), choice);
      const { pending: _pending, ...rest } = subscriber;
      const rejoin = subscriber.status === 'unsubscribed' || subscriber.status === 'pending';
      // Re-joining starts from now: nothing detected while away is sent.
      return rejoin
        ? { ...rest, ...valid, status: 'confirmed', confirmedAt: at, updatedAt: at }
        : { ...rest, ...valid, updatedAt: at };
    },
    (subscriber) => ({ ok: true, subscriber }),
  );
}

/** With an `unsubscribe` or a `manage` token; idempotent. A suppressed address stays suppressed. */
export async function unsubscribe(deps: ServiceDeps, token: string): Promise<UnsubscribeResult> {
  return mutate<UnsubscribeResult>(
    deps,
    token,
    'unsubscribe',
    (subscriber, _payload, at) => {
      if (subscriber.status === 'unsubscribed' || subscriber.status === 'suppressed') {
        return { ok: true, subscriber, alreadyUnsubscribed: true };
      }
      const { pending: _pending, ...rest } = subscriber;
      return { ...rest, status: 'unsubscribed', updatedAt: at };
    },
    (subscriber) => ({ ok: true, subscriber, alreadyUnsubscribed: false }),
  );
}

/** Staff: creates a confirmed subscriber and sends a notice with manage and unsubscribe links. */
export async function createConfirmedSubscriber(
  deps: ServiceDeps,
  input: SubscriptionChoice & { email: string },
): Promise<CreateSubscriberResult> {
  const email = normaliseEmail(String(input.email ?? ''));
  const choice = validChoice(topicIds(deps), input, email);
  const now = deps.clock.now();
  const at = now.toISOString();
  const subscriber: Subscriber = {
    email,
    ...choice,
    status: 'confirmed',
    createdAt: at,
    confirmedAt: at,
    version: newVersion(),
    updatedAt: at,
  };
  if (!(await deps.store.subscribers.create(subscriber))) return { status: 'exists' };
  try {
    await enqueueMail(deps, {
      kind: 'staff-notice',
      to: email,
      raw: await buildStaffNotice(deps, subscriber, now),
    });
    return { status: 'created', subscriber, noticeSent: true };
  } catch (error) {
    // The subscription stands either way; failing the request would make a retry answer 409.
    deps.logger.log('error', 'staff-created subscriber notice not queued', { email, error });
    return { status: 'created', subscriber, noticeSent: false };
  }
}

/** Staff: erases the record (and its deliveries). False when absent. */
export async function deleteSubscriber(deps: ServiceDeps, email: string): Promise<boolean> {
  return deps.store.subscribers.delete(normaliseEmail(email));
}

/** Staff: every subscriber, by address. */
export async function listSubscribers(deps: ServiceDeps): Promise<Subscriber[]> {
  const all = await deps.store.subscribers.list();
  return all.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** Manage and unsubscribe links for a subscriber's current version. */
export function subscriberLinks(
  deps: ServiceDeps,
  subscriber: Subscriber,
): { manage: string; unsubscribe: string } {
  return linksFor(deps, subscriber);
}

export interface SnsOptions {
  /** Fetches the signing certificate (PEM) from its URL; default through `deps.fetcher`. */
  fetchCertificate?: (url: string) => Promise<string>;
}

/** SES bounce/complaint notifications delivered by SNS (HTTP POST body). */
export async function handleSnsNotification(
  deps: ServiceDeps,
  body: string,
  options: SnsOptions = {},
): Promise<SnsResult> {
  const get = async (url: string) => {
    const result = await deps.fetcher.fetch({ url });
    if (result.status !== 'ok') throw new Error(`unexpected HTTP ${result.httpStatus} from ${url}`);
    return result.body.toString('utf8');
  };
  return processSnsNotification(
    {
      subscribers: deps.store.subscribers,
      clock: deps.clock,
      logger: deps.logger,
      topicArns: deps.snsTopicArns ?? [],
      fetchCertificate: options.fetchCertificate ?? get,
      visit: async (url) => {
        await get(url);
      },
    },
    body,
  );
}
