import { createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SnsMessage, snsStringToSign } from '#shared/mail/sns.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import {
  createConfirmedSubscriber,
  handleSnsNotification,
  listSubscribers,
  requestSubscription,
} from '#shared/services/subscriptions.ts';
import { useMailServices } from '../support/mail-harness.ts';
import { makeTestCertificate, type TestSes } from '../support/ses.ts';

const TOPIC = 'arn:aws:sns:eu-west-2:123456789012:ses-feedback';
let deps: ServiceDeps;
let ses: TestSes;
let visited: string[];
useMailServices((services) => {
  ({ deps, ses, visited } = services);
  deps.snsTopicArns = [TOPIC];
});

describe('SES feedback through SNS', () => {
  const pair = makeTestCertificate();
  const forger = makeTestCertificate();
  const CERT_URL = 'https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-test.pem';
  const fetchCertificate = async (url: string) => {
    expect(url).toBe(CERT_URL);
    return pair.cert;
  };

  function sign(message: Omit<SnsMessage, 'Signature'>, key = pair.key): string {
    const signer = createSign('RSA-SHA256');
    signer.update(snsStringToSign({ ...message, Signature: '' }));
    return JSON.stringify({ ...message, Signature: signer.sign(key, 'base64') });
  }

  const bounce = (recipients: string[], bounceType = 'Permanent') =>
    ({
      Type: 'Notification',
      MessageId: 'n-1',
      TopicArn: TOPIC,
      Message: JSON.stringify({
        notificationType: 'Bounce',
        bounce: {
          bounceType,
          bounceSubType: 'General',
          bouncedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
        },
        mail: { destination: recipients },
      }),
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2',
      SigningCertURL: CERT_URL,
    }) as const;

  it('suppresses a permanently bouncing address when the signature verifies', async () => {
    await createConfirmedSubscriber(deps, {
      email: 'hal@example.org',
      topics: ['localism-act'],
      frequency: 'daily',
    });
    const result = await handleSnsNotification(
      deps,
      sign(bounce(['Hal@example.org', 'unknown@example.org'])),
      {
        fetchCertificate,
      },
    );
    expect(result).toEqual({ outcome: 'suppressed', emails: ['hal@example.org'] });
    expect((await listSubscribers(deps))[0]).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'bounce: Permanent/General',
    });

    // Nobody can make us mail a suppressed address again, not even a confirmation; the answer
    // is the same as for any other address.
    await ses.clear();
    const again = await requestSubscription(deps, {
      email: 'hal@example.org',
      topics: ['localism-act'],
      frequency: 'daily',
      client: '192.0.2.1',
    });
    expect(again).toEqual({ status: 'pending' });
    expect(await ses.emailsTo('hal@example.org')).toEqual([]);
    expect((await listSubscribers(deps))[0]?.status).toBe('suppressed');
  });

  it('ignores a forged notification and a transient bounce', async () => {
    await createConfirmedSubscriber(deps, {
      email: 'ida@example.org',
      topics: ['localism-act'],
      frequency: 'daily',
    });
    const forged = await handleSnsNotification(deps, sign(bounce(['ida@example.org']), forger.key), {
      fetchCertificate,
    });
    expect(forged).toEqual({ outcome: 'invalid', reason: 'signature does not verify' });
    const tampered = JSON.parse(sign(bounce(['someone@example.org']))) as SnsMessage;
    tampered.Message = tampered.Message.replace('someone@example.org', 'ida@example.org');
    expect(await handleSnsNotification(deps, JSON.stringify(tampered), { fetchCertificate })).toMatchObject({
      outcome: 'invalid',
    });
    const offHost = sign({
      ...bounce(['ida@example.org']),
      SigningCertURL: 'https://evil.example.org/cert.pem',
    });
    expect(await handleSnsNotification(deps, offHost, { fetchCertificate })).toMatchObject({
      outcome: 'invalid',
    });
    expect(
      await handleSnsNotification(deps, sign(bounce(['ida@example.org'], 'Transient')), { fetchCertificate }),
    ).toMatchObject({ outcome: 'ignored' });
    expect((await listSubscribers(deps))[0]).toMatchObject({ status: 'confirmed' });
  });

  it('refuses messages AWS signed for a topic that is not ours: anyone can own a topic', async () => {
    await createConfirmedSubscriber(deps, {
      email: 'jo@example.org',
      topics: ['localism-act'],
      frequency: 'daily',
    });
    const strangers = 'arn:aws:sns:eu-west-2:210987654321:ses-feedback';
    const body = sign({ ...bounce(['jo@example.org']), TopicArn: strangers });
    expect(await handleSnsNotification(deps, body, { fetchCertificate })).toEqual({
      outcome: 'invalid',
      reason: `topic ${strangers} is not a configured SES feedback topic`,
    });
    const confirm = sign({
      Type: 'SubscriptionConfirmation',
      MessageId: 's-2',
      Token: 'abc',
      TopicArn: strangers,
      Message: 'You have chosen to subscribe',
      SubscribeURL: `https://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${strangers}&Token=abc`,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2',
      SigningCertURL: CERT_URL,
    });
    expect(await handleSnsNotification(deps, confirm, { fetchCertificate })).toMatchObject({
      outcome: 'invalid',
    });
    deps.snsTopicArns = [];
    expect(await handleSnsNotification(deps, sign(bounce(['jo@example.org'])), { fetchCertificate })).toEqual(
      {
        outcome: 'invalid',
        reason: 'no SES feedback topic is configured (SES_FEEDBACK_TOPIC_ARNS)',
      },
    );
    expect(visited).toEqual([]);
    expect((await listSubscribers(deps))[0]).toMatchObject({ status: 'confirmed' });
  });

  it('confirms the SNS subscription by visiting the SubscribeURL', async () => {
    const subscribeUrl = `https://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`;
    const body = sign({
      Type: 'SubscriptionConfirmation',
      MessageId: 's-1',
      Token: 'abc',
      TopicArn: TOPIC,
      Message: 'You have chosen to subscribe',
      SubscribeURL: subscribeUrl,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2',
      SigningCertURL: CERT_URL,
    });
    expect(await handleSnsNotification(deps, body, { fetchCertificate })).toEqual({
      outcome: 'subscription-confirmed',
      subscribeUrl,
    });
    expect(visited).toEqual([subscribeUrl]);
  });
});
