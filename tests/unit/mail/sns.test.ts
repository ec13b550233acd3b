import { createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkCertificateUrl,
  checkSubscribeUrl,
  parseSnsMessage,
  type SnsMessage,
  sesSuppressions,
  snsStringToSign,
  verifySnsSignature,
} from '#shared/mail/sns.ts';
import { makeTestCertificate } from '../../support/ses.ts';

const pair = makeTestCertificate();
const other = makeTestCertificate();

const TOPIC = 'arn:aws:sns:eu-west-2:123456789012:ses-feedback';
const CERT_URL = 'https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-abc.pem';

function signed(message: Omit<SnsMessage, 'Signature'>, key: string): SnsMessage {
  const unsigned = { ...message, Signature: '' };
  const signer = createSign(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(snsStringToSign(unsigned));
  return { ...unsigned, Signature: signer.sign(key, 'base64') };
}

const notification = (version: '1' | '2', extra: Partial<SnsMessage> = {}) =>
  signed(
    {
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: TOPIC,
      Message: JSON.stringify({ notificationType: 'Complaint', complaint: { complainedRecipients: [] } }),
      Timestamp: '2026-11-26T07:00:00.000Z',
      SignatureVersion: version,
      SigningCertURL: CERT_URL,
      ...extra,
    },
    pair.key,
  );

describe('SNS signatures', () => {
  it('builds the canonical string of a notification (Subject only when present)', () => {
    const message = notification('2');
    expect(snsStringToSign(message)).toBe(
      `Message\n${message.Message}\nMessageId\nm-1\nTimestamp\n2026-11-26T07:00:00.000Z\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
    expect(snsStringToSign({ ...message, Subject: 'Hi' })).toContain(
      'MessageId\nm-1\nSubject\nHi\nTimestamp',
    );
  });

  it('builds the canonical string of a subscription confirmation', () => {
    const message = parseSnsMessage(
      JSON.stringify({
        Type: 'SubscriptionConfirmation',
        MessageId: 'm',
        Token: 'tok',
        TopicArn: TOPIC,
        Message: 'confirm',
        SubscribeURL: 'https://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription',
        Timestamp: 't',
        SignatureVersion: '1',
        Signature: 's',
        SigningCertURL: CERT_URL,
      }),
    );
    expect(message && snsStringToSign(message)).toBe(
      `Message\nconfirm\nMessageId\nm\nSubscribeURL\nhttps://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription\nTimestamp\nt\nToken\ntok\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    );
  });

  it.each(['1', '2'] as const)('verifies SignatureVersion %s', (version) => {
    expect(verifySnsSignature(notification(version), pair.cert, new Date())).toBe(true);
  });

  it.each([
    ['a changed message', (m: SnsMessage) => ({ ...m, Message: m.Message.replace('Complaint', 'Bounce') })],
    ['a changed topic', (m: SnsMessage) => ({ ...m, TopicArn: `${TOPIC}-x` })],
    ['an added subject', (m: SnsMessage) => ({ ...m, Subject: 'x' })],
    [
      'a version 1 claim on a SHA256 signature',
      (m: SnsMessage) => ({ ...m, SignatureVersion: '1' as const }),
    ],
    ['garbage signature', (m: SnsMessage) => ({ ...m, Signature: 'AAAA' })],
  ])('rejects %s', (_name, change) => {
    expect(verifySnsSignature(change(notification('2')), pair.cert, new Date())).toBe(false);
  });

  it('rejects a signature by another key, and a certificate outside its validity', () => {
    expect(verifySnsSignature(notification('2'), other.cert, new Date())).toBe(false);
    expect(verifySnsSignature(notification('2'), pair.cert, new Date('2001-01-01'))).toBe(false);
    expect(verifySnsSignature(notification('2'), 'not a cert', new Date())).toBe(false);
  });

  it.each([
    [CERT_URL, null],
    ['https://sns.eu-west-2.amazonaws.com.cn/x.pem', null],
    ['http://sns.eu-west-2.amazonaws.com/x.pem', 'must be https'],
    ['https://sns.eu-west-2.amazonaws.com.evil.org/x.pem', 'is not sns.<region>.amazonaws.com'],
    ['https://evil.org/sns.eu-west-2.amazonaws.com/x.pem', 'is not sns.<region>.amazonaws.com'],
    ['https://user@sns.eu-west-2.amazonaws.com/x.pem', 'plain https'],
    ['https://sns.eu-west-2.amazonaws.com:8443/x.pem', 'plain https'],
    ['https://sns.eu-west-2.amazonaws.com/x.txt', '.pem'],
    ['https://sns.us-east-1.amazonaws.com/x.pem', 'differs from the topic'],
    ['not a url', 'not a URL'],
  ])('certificate URL %s', (url, problem) => {
    const result = checkCertificateUrl(url, TOPIC);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toContain(problem);
  });

  it('only follows a SubscribeURL back to SNS', () => {
    expect(
      checkSubscribeUrl('https://sns.eu-west-2.amazonaws.com/?Action=ConfirmSubscription', TOPIC),
    ).toBeNull();
    expect(checkSubscribeUrl('https://127.0.0.1/?Action=ConfirmSubscription', TOPIC)).not.toBeNull();
  });

  it('refuses what is not an SNS message', () => {
    expect(parseSnsMessage('{')).toBeNull();
    expect(parseSnsMessage('{"Type":"Notification"}')).toBeNull();
    expect(parseSnsMessage(JSON.stringify({ ...notification('2'), SignatureVersion: '3' }))).toBeNull();
  });
});

describe('SES feedback', () => {
  it.each([
    {
      name: 'permanent bounce',
      message: {
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            { emailAddress: 'Ann@Example.org' },
            { emailAddress: '"Bob" <bob@example.org>' },
          ],
        },
      },
      expected: { emails: ['ann@example.org', 'bob@example.org'], reason: 'bounce: Permanent/General' },
    },
    {
      name: 'transient bounce',
      message: {
        notificationType: 'Bounce',
        bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'a@example.org' }] },
      },
      expected: null,
    },
    {
      name: 'complaint (event publishing)',
      message: {
        eventType: 'Complaint',
        complaint: {
          complaintFeedbackType: 'abuse',
          complainedRecipients: [{ emailAddress: 'c@example.org' }],
        },
      },
      expected: { emails: ['c@example.org'], reason: 'complaint: abuse' },
    },
    { name: 'delivery', message: { notificationType: 'Delivery' }, expected: null },
  ])('$name', ({ message, expected }) => {
    expect(sesSuppressions(JSON.stringify(message))).toEqual(expected);
  });

  it('ignores a Message that is not JSON', () => {
    expect(sesSuppressions('hello')).toBeNull();
  });
});
