import { describe, expect, it } from 'vitest';
import {
  CONFIRM_TOKEN_TTL_MS,
  signToken,
  type TokenPayload,
  type TokenPurpose,
  verifyToken,
  verifyTokenFor,
} from '#shared/mail/tokens.ts';

const SECRET = 'test-secret-0123456789';
const NOW = new Date('2026-11-26T07:00:00.000Z');

const confirm: TokenPayload = {
  purpose: 'confirm',
  email: 'ann@example.org',
  version: 42,
  expiresAt: NOW.getTime() + CONFIRM_TOKEN_TTL_MS,
  topics: ['localism-act', 'charity-law'],
  frequency: 'daily',
};
const manage: TokenPayload = { purpose: 'manage', email: 'ann@example.org', version: 42, expiresAt: null };
const unsubscribe: TokenPayload = { ...manage, purpose: 'unsubscribe' };

/** Flips one character of the signature part so it stays well-formed base64url. */
function tamperSignature(token: string): string {
  const [body, sig = ''] = token.split('.');
  const last = sig.at(-2) === 'A' ? 'B' : 'A';
  return `${body}.${sig.slice(0, -2)}${last}${sig.slice(-1)}`;
}

function reencode(token: string, change: (wire: Record<string, unknown>) => void): string {
  const [body = '', sig] = token.split('.');
  const wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(wire);
  return `${Buffer.from(JSON.stringify(wire)).toString('base64url')}.${sig}`;
}

const cases: {
  name: string;
  token: () => string;
  purpose: TokenPurpose;
  at?: Date;
  expected: 'ok' | 'malformed' | 'forged' | 'expired';
}[] = [
  { name: 'valid confirmation', token: () => signToken(confirm, SECRET), purpose: 'confirm', expected: 'ok' },
  { name: 'valid manage', token: () => signToken(manage, SECRET), purpose: 'manage', expected: 'ok' },
  {
    name: 'manage never expires',
    token: () => signToken(manage, SECRET),
    purpose: 'manage',
    at: new Date('2036-01-01T00:00:00Z'),
    expected: 'ok',
  },
  {
    name: 'valid unsubscribe',
    token: () => signToken(unsubscribe, SECRET),
    purpose: 'unsubscribe',
    expected: 'ok',
  },
  {
    name: 'confirmation one ms before 7 days',
    token: () => signToken(confirm, SECRET),
    purpose: 'confirm',
    at: new Date(NOW.getTime() + CONFIRM_TOKEN_TTL_MS - 1),
    expected: 'ok',
  },
  {
    name: 'confirmation after 7 days',
    token: () => signToken(confirm, SECRET),
    purpose: 'confirm',
    at: new Date(NOW.getTime() + CONFIRM_TOKEN_TTL_MS),
    expected: 'expired',
  },
  {
    name: 'signed with another secret',
    token: () => signToken(manage, 'another-secret'),
    purpose: 'manage',
    expected: 'forged',
  },
  {
    name: 'signature tampered',
    token: () => tamperSignature(signToken(manage, SECRET)),
    purpose: 'manage',
    expected: 'forged',
  },
  {
    name: 'address changed in the payload',
    token: () => reencode(signToken(unsubscribe, SECRET), (w) => (w.e = 'bob@example.org')),
    purpose: 'unsubscribe',
    expected: 'forged',
  },
  {
    name: 'version changed in the payload',
    token: () => reencode(signToken(unsubscribe, SECRET), (w) => (w.v = 43)),
    purpose: 'unsubscribe',
    expected: 'forged',
  },
  {
    name: 'expiry extended in the payload',
    token: () => reencode(signToken(confirm, SECRET), (w) => (w.x = Number(w.x) + 1e9)),
    purpose: 'confirm',
    expected: 'forged',
  },
  {
    name: 'forged and expired reads as forged',
    token: () => reencode(signToken(confirm, SECRET), (w) => (w.x = 1)),
    purpose: 'confirm',
    expected: 'forged',
  },
  {
    name: 'wrong purpose (unsubscribe token on manage)',
    token: () => signToken(unsubscribe, SECRET),
    purpose: 'manage',
    expected: 'forged',
  },
  {
    name: 'wrong purpose (manage token on confirm)',
    token: () => signToken(manage, SECRET),
    purpose: 'confirm',
    expected: 'forged',
  },
  { name: 'empty', token: () => '', purpose: 'manage', expected: 'malformed' },
  { name: 'no dot', token: () => 'abcdef', purpose: 'manage', expected: 'malformed' },
  { name: 'three parts', token: () => 'a.b.c', purpose: 'manage', expected: 'malformed' },
  { name: 'not base64url', token: () => 'ab$cd.ef+gh', purpose: 'manage', expected: 'malformed' },
  {
    name: 'short signature',
    token: () => `${signToken(manage, SECRET).split('.')[0]}.abc`,
    purpose: 'manage',
    expected: 'malformed',
  },
  { name: 'huge', token: () => `${'a'.repeat(9000)}.b`, purpose: 'manage', expected: 'malformed' },
];

describe('email tokens', () => {
  it.each(cases)('$name → $expected', ({ token, purpose, at, expected }) => {
    const result = verifyToken(token(), purpose, SECRET, at ?? NOW);
    if (expected === 'ok') expect(result.ok).toBe(true);
    else expect(result).toEqual({ ok: false, reason: expected });
  });

  it('round-trips the payload, including the requested choice', () => {
    const result = verifyToken(signToken({ ...confirm, nextVersion: 7 }, SECRET), 'confirm', SECRET, NOW);
    expect(result).toEqual({ ok: true, payload: { ...confirm, nextVersion: 7 } });
  });

  it('is URL-safe', () => {
    const token = signToken({ ...confirm, email: 'o’brien+tag@example.org' }, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('a correctly signed payload of the wrong shape is malformed', () => {
    // A confirmation must carry its choice and an expiry.
    const token = signToken({ ...manage, purpose: 'confirm' }, SECRET);
    expect(verifyToken(token, 'confirm', SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts any of several purposes when asked to', () => {
    const token = signToken(manage, SECRET);
    expect(verifyTokenFor(token, ['unsubscribe', 'manage'], SECRET, NOW).ok).toBe(true);
  });
});
