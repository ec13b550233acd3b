/**
 * @module Email tokens (docs/contract.md §6): `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`, signed
 * with `SIGNING_SECRET` over purpose, address, subscription version and expiry (and, for
 * confirmation, the requested choice). Whether a token's version still matches the stored
 * subscription (revocation) is the service's decision, not this module's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Frequency } from '../domain/types.ts';
import { isFrequency } from '../domain/vocabulary.ts';

export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe';

export interface TokenPayload {
  purpose: TokenPurpose;
  /** Trimmed, lower-cased address. */
  email: string;
  /** The subscription version the token belongs to. */
  version: number;
  /** Expiry in ms since epoch; null: never (manage/unsubscribe). */
  expiresAt: number | null;
  /** Confirmation only: the choice it confirms. */
  topics?: string[];
  frequency?: Frequency;
  /** Confirmation of an unsubscribed/suppressed address: the version the re-created subscription takes. */
  nextVersion?: number;
}

export type VerifyResult =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Seven days, docs/contract.md §6. */
export const CONFIRM_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const PURPOSES: readonly TokenPurpose[] = ['confirm', 'manage', 'unsubscribe'];
// Generous: an address (≤ 254) plus every topic id still fits; anything bigger is not ours.
const MAX_TOKEN_LENGTH = 8192;

/** Short keys keep links short; the mapping is the wire format, so never reorder or rename. */
interface Wire {
  p: TokenPurpose;
  e: string;
  v: number;
  x: number | null;
  t?: string[];
  f?: Frequency;
  n?: number;
}

export function signToken(payload: TokenPayload, secret: string): string {
  const wire: Wire = { p: payload.purpose, e: payload.email, v: payload.version, x: payload.expiresAt };
  if (payload.topics) wire.t = payload.topics;
  if (payload.frequency) wire.f = payload.frequency;
  if (payload.nextVersion !== undefined) wire.n = payload.nextVersion;
  const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${body}.${mac(body, secret).toString('base64url')}`;
}

/**
 * Checks shape, signature (constant time), purpose and expiry, in that order: a forged token is
 * reported as forged even when it also claims to be expired.
 */
export function verifyToken(token: string, purpose: TokenPurpose, secret: string, now: Date): VerifyResult {
  return verifyTokenFor(token, [purpose], secret, now);
}

/** As `verifyToken`, accepting any of several purposes (e.g. unsubscribe with a manage token). */
export function verifyTokenFor(
  token: string,
  purposes: readonly TokenPurpose[],
  secret: string,
  now: Date,
): VerifyResult {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return { ok: false, reason: 'malformed' };
  }
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [body = '', signature = ''] = parts;
  const base64url = /^[A-Za-z0-9_-]+$/;
  if (!base64url.test(body) || !base64url.test(signature)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(body, secret);
  if (given.length !== expected.length) return { ok: false, reason: 'malformed' };
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  const payload = decode(body);
  if (!payload) return { ok: false, reason: 'malformed' };
  // A correctly signed token with another purpose was never meant for this page: treat as forged.
  if (!purposes.includes(payload.purpose)) return { ok: false, reason: 'forged' };
  if (payload.expiresAt !== null && now.getTime() >= payload.expiresAt)
    return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

function mac(body: string, secret: string): Buffer {
  // Domain-separated so the same secret could sign other things without confusion.
  return createHmac('sha256', secret).update('policy-watch/token/v1\n').update(body).digest();
}

function decode(body: string): TokenPayload | null {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof wire !== 'object' || wire === null) return null;
  const w = wire as Partial<Record<keyof Wire, unknown>>;
  if (!PURPOSES.includes(w.p as TokenPurpose)) return null;
  if (typeof w.e !== 'string' || w.e === '') return null;
  if (!Number.isSafeInteger(w.v)) return null;
  if (w.x !== null && !Number.isSafeInteger(w.x)) return null;
  const payload: TokenPayload = {
    purpose: w.p as TokenPurpose,
    email: w.e,
    version: w.v as number,
    expiresAt: w.x as number | null,
  };
  if (w.t !== undefined) {
    if (!Array.isArray(w.t) || !w.t.every((topic) => typeof topic === 'string')) return null;
    payload.topics = w.t as string[];
  }
  if (w.f !== undefined) {
    if (!isFrequency(w.f)) return null;
    payload.frequency = w.f;
  }
  if (w.n !== undefined) {
    if (!Number.isSafeInteger(w.n)) return null;
    payload.nextVersion = w.n as number;
  }
  if (
    payload.purpose === 'confirm' &&
    (!payload.topics || !payload.frequency || payload.expiresAt === null)
  ) {
    return null;
  }
  return payload;
}
