/**
 * @module Subscriptions (SPEC §6): double opt-in, manage and unsubscribe by signed token, staff
 * administration and SES bounce/complaint suppression. Signatures first; bodies follow.
 */
import type { Frequency, Subscriber } from '../domain/types.ts';
import type { TokenPayload, TokenPurpose } from '../mail/tokens.ts';
import type { ServiceDeps } from './deps.ts';

/** Too many requests: > 5 per hour per address or > 20 per hour per client (HTTP 429). */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly retryAfterSeconds: number,
    readonly scope: 'address' | 'client',
  ) {
    super(`too many subscription requests for this ${scope}; retry in ${retryAfterSeconds} s`);
  }
}

/** Bad input (HTTP 400 `invalid_request`); `details` as SPEC §6 (`path`, `message`). */
export class SubscriptionInputError extends Error {
  override readonly name = 'SubscriptionInputError';
  constructor(readonly details: { path: string; message: string }[]) {
    super(details.map((detail) => `${detail.path}: ${detail.message}`).join('; '));
  }
}

export interface SubscriptionChoice {
  topics: string[];
  frequency: Frequency;
}

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
export type CreateSubscriberResult = { status: 'created'; subscriber: Subscriber } | { status: 'exists' };

export type SnsResult =
  /** Not a well-formed SNS message, or its signature does not verify (HTTP 400/403). */
  | { outcome: 'invalid'; reason: string }
  | { outcome: 'subscription-confirmed'; subscribeUrl: string }
  /** The SubscribeURL could not be fetched: reported so an operator can open it. */
  | { outcome: 'subscription-unconfirmed'; subscribeUrl: string; error: string }
  | { outcome: 'suppressed'; emails: string[] }
  | { outcome: 'ignored'; reason: string };

export interface SnsOptions {
  /** Fetches the signing certificate (PEM) from its URL; default through `deps.fetcher`. */
  fetchCertificate?: (url: string) => Promise<string>;
}

/** Always resolves `{ status: 'pending' }` for valid input, known address or not (no enumeration). */
export async function requestSubscription(
  _deps: ServiceDeps,
  _request: SubscriptionRequest,
): Promise<{ status: 'pending' }> {
  throw new Error('not implemented');
}

/** For GET pages: never changes anything. */
export async function checkToken(
  _deps: ServiceDeps,
  _token: string,
  _purpose: TokenPurpose,
): Promise<TokenCheck> {
  throw new Error('not implemented');
}

export async function confirmSubscription(_deps: ServiceDeps, _token: string): Promise<ConfirmResult> {
  throw new Error('not implemented');
}

/** With a `manage` token; throws `SubscriptionInputError` on empty/unknown topics. */
export async function updateSubscription(
  _deps: ServiceDeps,
  _token: string,
  _choice: SubscriptionChoice,
): Promise<UpdateResult> {
  throw new Error('not implemented');
}

/** With an `unsubscribe` or a `manage` token; idempotent. */
export async function unsubscribe(_deps: ServiceDeps, _token: string): Promise<UnsubscribeResult> {
  throw new Error('not implemented');
}

/** Staff: creates a confirmed subscriber and sends a notice with manage and unsubscribe links. */
export async function createConfirmedSubscriber(
  _deps: ServiceDeps,
  _input: SubscriptionChoice & { email: string },
): Promise<CreateSubscriberResult> {
  throw new Error('not implemented');
}

/** Staff: erases the record (and its deliveries). False when absent. */
export async function deleteSubscriber(_deps: ServiceDeps, _email: string): Promise<boolean> {
  throw new Error('not implemented');
}

/** Staff: every subscriber, by address. */
export async function listSubscribers(_deps: ServiceDeps): Promise<Subscriber[]> {
  throw new Error('not implemented');
}

/** Manage and unsubscribe links for a subscriber's current version. */
export function subscriberLinks(
  _deps: ServiceDeps,
  _subscriber: Subscriber,
): { manage: string; unsubscribe: string } {
  throw new Error('not implemented');
}

/** SES bounce/complaint notifications delivered by SNS (HTTP POST body). */
export async function handleSnsNotification(
  _deps: ServiceDeps,
  _body: string,
  _options: SnsOptions = {},
): Promise<SnsResult> {
  throw new Error('not implemented');
}
