/**
 * @module The links emails carry: confirmation, manage and unsubscribe, each with a signed token
 * (docs/contract.md §6). Manage and unsubscribe tokens are bound to the subscription's current version.
 */
import type { Subscriber } from '../domain/types.ts';
import { signToken, type TokenPayload } from './tokens.ts';

export interface LinkContext {
  /** `PUBLIC_URL`, without a trailing slash. */
  publicUrl: string;
  signingSecret: string;
}

function withToken(context: LinkContext, path: string, payload: TokenPayload): string {
  const base = context.publicUrl.replace(/\/+$/, '');
  return `${base}${path}?token=${encodeURIComponent(signToken(payload, context.signingSecret))}`;
}

export function manageUrl(context: LinkContext, subscriber: Pick<Subscriber, 'email' | 'version'>): string {
  return withToken(context, '/manage', {
    purpose: 'manage',
    email: subscriber.email,
    version: subscriber.version,
    expiresAt: null,
  });
}

/** The `List-Unsubscribe` target too (RFC 8058 one-click POST). */
export function unsubscribeUrl(
  context: LinkContext,
  subscriber: Pick<Subscriber, 'email' | 'version'>,
): string {
  return withToken(context, '/unsubscribe', {
    purpose: 'unsubscribe',
    email: subscriber.email,
    version: subscriber.version,
    expiresAt: null,
  });
}

export function confirmUrl(context: LinkContext, payload: TokenPayload): string {
  return withToken(context, '/subscriptions/confirm', payload);
}
