import type { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { classify, createSesMailer, MailSendError } from '#shared/mail/ses-mailer.ts';

/** Virtual time: sleeping advances the clock, so pacing is observable without waiting. */
function virtualTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

function fakeClient(behaviour: (call: number) => unknown) {
  const calls: { input: Record<string, unknown>; at?: number }[] = [];
  const client = {
    async send(command: { input: Record<string, unknown> }) {
      calls.push({ input: command.input });
      const outcome = behaviour(calls.length);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
  return { client: client as unknown as SESClient, calls };
}

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

const email = { from: 'alerts@example.org', to: 'ann@example.org', raw: Buffer.from('raw') };

describe('SES mailer', () => {
  it('sends the raw message with source and destination', async () => {
    const { client, calls } = fakeClient(() => ({ MessageId: 'm-1' }));
    const mailer = createSesMailer({ client, maxSendRate: 10 });
    await expect(mailer.sendRaw(email)).resolves.toEqual({ messageId: 'm-1' });
    expect(calls[0]?.input).toEqual({
      RawMessage: { Data: email.raw },
      Source: 'alerts@example.org',
      Destinations: ['ann@example.org'],
    });
  });

  it('paces concurrent sends to maxSendRate', async () => {
    // Time stands still: each caller's wait is exactly the gap to its slot.
    const sleeps: number[] = [];
    const { client } = fakeClient(() => ({ MessageId: 'm' }));
    const mailer = createSesMailer({
      client,
      maxSendRate: 4,
      now: () => 1_000_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await Promise.all(Array.from({ length: 8 }, () => mailer.sendRaw(email)));
    expect(sleeps.sort((a, b) => a - b)).toEqual([250, 500, 750, 1000, 1250, 1500, 1750]);
  });

  it.each([
    ['Throttling', 'Maximum sending rate exceeded.'],
    ['ThrottlingException', 'Rate exceeded'],
    ['SomethingElse', 'Maximum sending rate exceeded.'],
  ])('backs off and retries on %s', async (name, message) => {
    const time = virtualTime();
    const { client, calls } = fakeClient((call) =>
      call < 3 ? sdkError(name, message) : { MessageId: 'm-3' },
    );
    const mailer = createSesMailer({
      client,
      maxSendRate: 100,
      sleep: time.sleep,
      now: time.now,
      backoffMs: 100,
    });
    await expect(mailer.sendRaw(email)).resolves.toEqual({ messageId: 'm-3' });
    expect(calls).toHaveLength(3);
    expect(time.sleeps.filter((ms) => ms >= 100)).toEqual([100, 200]);
  });

  it('gives up after bounded retries with a retryable error', async () => {
    const time = virtualTime();
    const { client, calls } = fakeClient(() => sdkError('Throttling', 'Maximum sending rate exceeded.'));
    const mailer = createSesMailer({
      client,
      maxSendRate: 100,
      sleep: time.sleep,
      now: time.now,
      maxRetries: 2,
    });
    const error = await mailer.sendRaw(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as MailSendError).retryable).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a rejected message', async () => {
    const { client, calls } = fakeClient(() => sdkError('MessageRejected', 'Email address is not verified.'));
    const mailer = createSesMailer({ client, maxSendRate: 100 });
    const error = await mailer.sendRaw(email).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('MessageRejected') });
    expect(calls).toHaveLength(1);
  });

  it.each([
    [sdkError('ServiceUnavailable', 'x', { $metadata: { httpStatusCode: 503 } }), true],
    [sdkError('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }), true],
    [sdkError('Throttling', 'Daily message quota exceeded.'), true],
    [sdkError('MailFromDomainNotVerifiedException', 'x', { $metadata: { httpStatusCode: 400 } }), false],
  ])('classifies %s as retryable=%s', (error, retryable) => {
    expect(classify(error).retryable).toBe(retryable);
  });

  it('does not retry a daily quota within the run', async () => {
    const { client, calls } = fakeClient(() => sdkError('Throttling', 'Daily message quota exceeded.'));
    const mailer = createSesMailer({ client, maxSendRate: 100 });
    await expect(mailer.sendRaw(email)).rejects.toMatchObject({ retryable: true });
    expect(calls).toHaveLength(1);
  });
});
