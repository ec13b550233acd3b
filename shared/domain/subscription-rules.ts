/**
 * @module Rules for subscription input: address normalisation, the choice of topics and
 * frequency checked against the config, fresh subscription versions and rate-limit windows.
 */
import { randomInt } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import type { RateLimitRepo } from './ports.ts';
import type { Frequency } from './types.ts';
import { FREQUENCIES, isFrequency } from './vocabulary.ts';

export interface SubscriptionChoice {
  topics: string[];
  frequency: Frequency;
}

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

/** Bad input (HTTP 400 `invalid_request`); `details` as docs/contract.md §6 (`path`, `message`). */
export class SubscriptionInputError extends Error {
  override readonly name = 'SubscriptionInputError';
  constructor(readonly details: { path: string; message: string }[]) {
    super(details.map((detail) => `${detail.path}: ${detail.message}`).join('; '));
  }
}

const emailSchema = z.email();

/** One subscription per trimmed, lower-cased address. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Versions are random so a re-created subscription never revives a deleted one's links. */
export function newVersion(): number {
  return randomInt(1, 2 ** 47);
}

/**
 * Checks the choice (and address, when given) against the configured topic ids; returns the
 * topics de-duplicated in config order. Throws `SubscriptionInputError` listing every problem.
 */
export function validChoice(
  topicIds: readonly string[],
  choice: { topics: unknown; frequency: unknown },
  email?: string,
): SubscriptionChoice {
  const details: { path: string; message: string }[] = [];
  if (email !== undefined && (email.length > 254 || !emailSchema.safeParse(email).success)) {
    details.push({ path: 'email', message: 'must be an email address' });
  }
  const topics: unknown[] = Array.isArray(choice.topics) ? choice.topics : [];
  if (topics.length === 0) details.push({ path: 'topics', message: 'choose at least one topic' });
  topics.forEach((id, index) => {
    if (typeof id !== 'string' || !topicIds.includes(id)) {
      details.push({ path: `topics[${index}]`, message: `unknown topic ${JSON.stringify(id)}` });
    }
  });
  if (!isFrequency(choice.frequency)) {
    details.push({ path: 'frequency', message: `must be one of ${FREQUENCIES.join(', ')}` });
  }
  if (details.length > 0) throw new SubscriptionInputError(details);
  return { topics: topicIds.filter((id) => topics.includes(id)), frequency: choice.frequency as Frequency };
}

export const HOUR_MS = 60 * 60 * 1000;

/** The fixed hour window containing `now`: its start, when its record may expire, seconds left. */
export function hourWindow(now: Date): { windowStart: string; expiresAt: string; retryAfterSeconds: number } {
  const ms = now.getTime();
  const start = Math.floor(ms / HOUR_MS) * HOUR_MS;
  return {
    windowStart: new Date(start).toISOString(),
    expiresAt: new Date(start + 2 * HOUR_MS).toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((start + HOUR_MS - ms) / 1000)),
  };
}

export function sameChoice(a: SubscriptionChoice, b: SubscriptionChoice): boolean {
  return (
    a.frequency === b.frequency &&
    a.topics.length === b.topics.length &&
    a.topics.every((topic) => b.topics.includes(topic))
  );
}

export const ADDRESS_LIMIT_PER_HOUR = 5;
export const CLIENT_LIMIT_PER_HOUR = 20;

/** Counts the request against both limits; throws `RateLimitedError` past either. */
export async function enforceRateLimits(
  rateLimits: RateLimitRepo,
  now: Date,
  email: string,
  client: string,
): Promise<void> {
  const { windowStart, expiresAt, retryAfterSeconds } = hourWindow(now);
  const [byAddress, byClient] = await Promise.all([
    rateLimits.hit(`subscribe:address:${rateLimitAddress(email)}`, windowStart, expiresAt),
    rateLimits.hit(`subscribe:client:${clientKey(client)}`, windowStart, expiresAt),
  ]);
  if (byAddress > ADDRESS_LIMIT_PER_HOUR) throw new RateLimitedError(retryAfterSeconds, 'address');
  if (byClient > CLIENT_LIMIT_PER_HOUR) throw new RateLimitedError(retryAfterSeconds, 'client');
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The mailbox an address delivers to, for the per-address limit only (the subscription keeps
 * the address as typed): lower-cased, without a `+tag` (`ann+1@` and `ann+2@` are one inbox),
 * and for Gmail without dots and with googlemail.com as gmail.com, which Gmail ignores too.
 */
export function rateLimitAddress(email: string): string {
  const address = normaliseEmail(email);
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  let local = address.slice(0, at);
  let domain = address.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/**
 * The unit a client is counted by: an IPv4 address, or the /64 network of an IPv6 one (a single
 * host usually holds a whole /64 and could rotate through it). Anything else is used as given.
 */
export function clientKey(client: string): string {
  if (!ipaddr.isValid(client)) return client;
  const address = ipaddr.process(client);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4);
  return `${parts.join(':')}::/64`;
}
