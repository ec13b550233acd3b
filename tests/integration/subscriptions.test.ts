import { describe, expect, it } from 'vitest';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import {
  checkToken,
  confirmSubscription,
  createConfirmedSubscriber,
  deleteSubscriber,
  listSubscribers,
  RateLimitedError,
  requestSubscription,
  SubscriptionInputError,
  subscriberLinks,
  unsubscribe,
  updateSubscription,
} from '#shared/services/subscriptions.ts';
import type { fixedClock } from '#shared/system/clock.ts';
import { useMailServices } from '../support/mail-harness.ts';
import type { TestSes } from '../support/ses.ts';

let deps: ServiceDeps;
let ses: TestSes;
let clock: ReturnType<typeof fixedClock>;
useMailServices((services) => {
  ({ deps, ses, clock } = services);
});

/** The token of the single link to `path` in the newest email to `address`. */
async function linkToken(address: string, path: string): Promise<string> {
  const emails = await ses.emailsTo(address);
  const text = emails.at(-1)?.body.text ?? '';
  const match = new RegExp(
    `http://localhost:3999${path.replace('/', '\\/')}\\?token=([A-Za-z0-9._%-]+)`,
  ).exec(text);
  if (!match?.[1]) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]);
}

const request = (email: string, overrides: Partial<Parameters<typeof requestSubscription>[1]> = {}) =>
  requestSubscription(deps, {
    email,
    topics: ['localism-act'],
    frequency: 'daily',
    client: '203.0.113.7',
    ...overrides,
  });

describe('double opt-in', () => {
  it('confirms through the link in the real confirmation email', async () => {
    await expect(request('  Ann@Example.ORG ')).resolves.toEqual({ status: 'pending' });
    const [sub] = await listSubscribers(deps);
    expect(sub).toMatchObject({ email: 'ann@example.org', status: 'pending', confirmedAt: null });

    const [email] = await ses.emailsTo('ann@example.org');
    expect(email?.subject).toBe('[Test Org] Confirm your subscription to policy alerts');
    expect(email?.from).toContain('alerts@example.org');
    const token = await linkToken('ann@example.org', '/subscriptions/confirm');

    // Looking (a GET page, a mail scanner) changes nothing.
    const check = await checkToken(deps, token, 'confirm');
    expect(check.ok && check.subscriber.status).toBe('pending');

    clock.advance(60_000);
    const first = await confirmSubscription(deps, token);
    expect(first).toMatchObject({ ok: true, alreadyConfirmed: false, subscriber: { status: 'confirmed' } });
    const confirmedAt = first.ok ? first.subscriber.confirmedAt : null;
    expect(confirmedAt).toBe(clock.now().toISOString());

    clock.advance(60_000);
    const second = await confirmSubscription(deps, token);
    expect(second).toMatchObject({ ok: true, alreadyConfirmed: true, subscriber: { confirmedAt } });
  });

  it('answers the same for a known address, and the link replaces the old choice', async () => {
    await createConfirmedSubscriber(deps, {
      email: 'bob@example.org',
      topics: ['localism-act'],
      frequency: 'daily',
    });
    const before = (await listSubscribers(deps))[0]!;
    await expect(
      request('bob@example.org', { topics: ['charity-law'], frequency: 'weekly' }),
    ).resolves.toEqual({
      status: 'pending',
    });
    // Still receiving the old choice until confirmed.
    expect((await listSubscribers(deps))[0]).toMatchObject({ topics: ['localism-act'], frequency: 'daily' });
    const emails = await ses.emailsTo('bob@example.org');
    expect(emails.at(-1)?.subject).toBe('[Test Org] Confirm the change to your policy alerts');
    const token = await linkToken('bob@example.org', '/subscriptions/confirm');
    const result = await confirmSubscription(deps, token);
    expect(result).toMatchObject({
      ok: true,
      alreadyConfirmed: false,
      subscriber: { topics: ['charity-law'], frequency: 'weekly', confirmedAt: before.confirmedAt },
    });
    // The version did not change, so the links already sent still work.
    expect(
      (await checkToken(deps, subscriberLinks(deps, before).manage.split('token=')[1]!, 'manage')).ok,
    ).toBe(true);
  });

  it('rejects bad input listing every problem', async () => {
    const error = await request('not-an-email', {
      topics: ['nope', 'localism-act'],
      frequency: 'hourly' as 'daily',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionInputError);
    expect((error as SubscriptionInputError).details.map((d) => d.path)).toEqual([
      'email',
      'topics[0]',
      'frequency',
    ]);
    await expect(request('a@example.org', { topics: [] })).rejects.toBeInstanceOf(SubscriptionInputError);
    expect(await ses.emails()).toHaveLength(0);
  });

  it('tells malformed, forged, expired and revoked tokens apart', async () => {
    await request('cat@example.org');
    const token = await linkToken('cat@example.org', '/subscriptions/confirm');
    expect(await confirmSubscription(deps, 'garbage')).toEqual({ ok: false, reason: 'malformed' });
    expect(await confirmSubscription(deps, `${token.split('.')[0]}.${'A'.repeat(43)}`)).toEqual({
      ok: false,
      reason: 'forged',
    });
    clock.advance(7 * 24 * 3600_000);
    expect(await confirmSubscription(deps, token)).toEqual({ ok: false, reason: 'expired' });
    clock.advance(-7 * 24 * 3600_000);
    await deleteSubscriber(deps, 'cat@example.org');
    expect(await confirmSubscription(deps, token)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('manage and unsubscribe', () => {
  async function staffCreated(email: string) {
    const result = await createConfirmedSubscriber(deps, {
      email,
      topics: ['localism-act'],
      frequency: 'daily',
    });
    if (result.status !== 'created') throw new Error('not created');
    return result.subscriber;
  }

  it('staff creation sends a notice whose links manage and unsubscribe', async () => {
    const created = await createConfirmedSubscriber(deps, {
      email: 'Dee@example.org',
      topics: ['charity-law', 'localism-act'],
      frequency: 'immediate',
    });
    expect(created).toMatchObject({
      status: 'created',
      noticeSent: true,
      subscriber: { email: 'dee@example.org', status: 'confirmed', topics: ['localism-act', 'charity-law'] },
    });
    expect(
      await createConfirmedSubscriber(deps, {
        email: 'dee@example.org',
        topics: ['localism-act'],
        frequency: 'daily',
      }),
    ).toEqual({
      status: 'exists',
    });
    const manage = await linkToken('dee@example.org', '/manage');
    const updated = await updateSubscription(deps, manage, { topics: ['charity-law'], frequency: 'weekly' });
    expect(updated).toMatchObject({ ok: true, subscriber: { topics: ['charity-law'], frequency: 'weekly' } });
    await expect(
      updateSubscription(deps, manage, { topics: [], frequency: 'weekly' }),
    ).rejects.toBeInstanceOf(SubscriptionInputError);

    const unsub = await linkToken('dee@example.org', '/unsubscribe');
    expect(await unsubscribe(deps, unsub)).toMatchObject({
      ok: true,
      alreadyUnsubscribed: false,
      subscriber: { status: 'unsubscribed' },
    });
    expect(await unsubscribe(deps, unsub)).toMatchObject({ ok: true, alreadyUnsubscribed: true });
    // A manage token may be used to unsubscribe too, but an unsubscribe token cannot manage.
    expect(await unsubscribe(deps, manage)).toMatchObject({ ok: true, alreadyUnsubscribed: true });
    expect(await updateSubscription(deps, unsub, { topics: ['charity-law'], frequency: 'weekly' })).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('links die when the subscription is deleted, and stay dead when it is re-created', async () => {
    const first = await staffCreated('eve@example.org');
    const { unsubscribe: oldUnsub } = subscriberLinks(deps, first);
    const oldToken = decodeURIComponent(oldUnsub.split('token=')[1]!);
    expect(await deleteSubscriber(deps, 'eve@example.org')).toBe(true);
    expect(await deleteSubscriber(deps, 'eve@example.org')).toBe(false);
    expect(await unsubscribe(deps, oldToken)).toEqual({ ok: false, reason: 'revoked' });
    await staffCreated('eve@example.org');
    expect(await unsubscribe(deps, oldToken)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('an unsubscribed address opts in again; the old links die and the new confirmation restarts', async () => {
    const first = await staffCreated('fay@example.org');
    const oldToken = decodeURIComponent(subscriberLinks(deps, first).unsubscribe.split('token=')[1]!);
    await unsubscribe(deps, oldToken);
    clock.advance(3600_000);
    await request('fay@example.org', { topics: ['charity-law'] });
    // Untouched until the link is followed: a third party cannot flip the status.
    expect((await listSubscribers(deps))[0]).toMatchObject({ status: 'unsubscribed' });
    const token = await linkToken('fay@example.org', '/subscriptions/confirm');
    const confirmed = await confirmSubscription(deps, token);
    expect(confirmed).toMatchObject({
      ok: true,
      alreadyConfirmed: false,
      subscriber: { status: 'confirmed', topics: ['charity-law'], confirmedAt: clock.now().toISOString() },
    });
    expect(await confirmSubscription(deps, token)).toMatchObject({ ok: true, alreadyConfirmed: true });
    expect(await unsubscribe(deps, oldToken)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('rate limiting', () => {
  it('allows 5 requests an hour per address, then 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i++) await request('gus@example.org');
    const error = await request('gus@example.org').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ scope: 'address' });
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((error as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await ses.emailsTo('gus@example.org')).toHaveLength(5);
    clock.advance(3600_000);
    await expect(request('gus@example.org')).resolves.toEqual({ status: 'pending' });
  });

  it('allows 20 requests an hour per client', async () => {
    for (let i = 0; i < 20; i++) await request(`user${i}@example.org`, { client: '198.51.100.1' });
    await expect(request('user20@example.org', { client: '198.51.100.1' })).rejects.toMatchObject({
      scope: 'client',
    });
    await expect(request('user20@example.org', { client: '198.51.100.2' })).resolves.toEqual({
      status: 'pending',
    });
  });
});
