/**
 * @module SES feedback through SNS: message parsing, signature verification (SignatureVersion 1
 * = SHA1, 2 = SHA256, canonical string per the AWS docs, certificate only from
 * `https://sns.<region>.amazonaws.com/…pem`) and reading bounces/complaints. Pure except that
 * the caller supplies the certificate.
 */
import { createVerify, X509Certificate } from 'node:crypto';
import * as z from 'zod';

const SnsMessageSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Subject: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string().min(1),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
});

export type SnsMessage = z.output<typeof SnsMessageSchema>;

export function parseSnsMessage(body: string): SnsMessage | null {
  return parseJsonAs(SnsMessageSchema, body);
}

/** `text` as JSON of `schema`'s shape, or null when it is not JSON or not that shape. */
function parseJsonAs<T extends z.ZodType>(schema: T, text: string): z.output<T> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The string SNS signs: selected keys in byte order, each `Key\nValue\n`. */
export function snsStringToSign(message: SnsMessage): string {
  const keys =
    message.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  let out = '';
  for (const key of keys) {
    const value = message[key];
    // Subject is left out entirely when the notification has none.
    if (value === undefined) continue;
    out += `${key}\n${value}\n`;
  }
  return out;
}

const CERT_HOST = /^sns\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * Only AWS may sign: https, host `sns.<region>.amazonaws.com`, a `.pem` path, and the region
 * of the topic the message claims to come from.
 */
export function checkCertificateUrl(url: string, topicArn: string): string | null {
  return checkSnsUrl(url, topicArn, 'SigningCertURL', true);
}

/** The same host rule for the SubscribeURL: only ever follow one that goes back to SNS. */
export function checkSubscribeUrl(url: string, topicArn: string): string | null {
  return checkSnsUrl(url, topicArn, 'SubscribeURL', false);
}

function checkSnsUrl(url: string, topicArn: string, name: string, pem: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${name} is not a URL`;
  }
  if (parsed.protocol !== 'https:') return `${name} must be https`;
  if (parsed.username || parsed.password || (parsed.port !== '' && parsed.port !== '443')) {
    return `${name} must be a plain https URL`;
  }
  const host = CERT_HOST.exec(parsed.hostname);
  if (!host) return `${name} host ${parsed.hostname} is not sns.<region>.amazonaws.com`;
  if (pem && !parsed.pathname.endsWith('.pem')) return `${name} must name a .pem certificate`;
  const topicRegion = topicArn.split(':')[3];
  if (topicRegion !== host[1]) return `${name} region ${host[1]} differs from the topic's ${topicRegion}`;
  return null;
}

/** True when `Signature` verifies over the canonical string with the certificate's key. */
export function verifySnsSignature(message: SnsMessage, certificatePem: string, now: Date): boolean {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    return false;
  }
  const at = now.getTime();
  if (at < Date.parse(certificate.validFrom) || at > Date.parse(certificate.validTo)) return false;
  const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  verifier.update(snsStringToSign(message), 'utf8');
  try {
    return verifier.verify(certificate.publicKey, message.Signature, 'base64');
  } catch {
    return false;
  }
}

export interface Suppression {
  emails: string[];
  reason: string;
}

const Recipients = z.array(z.object({ emailAddress: z.string() }).passthrough());
const SesFeedbackSchema = z
  .object({
    notificationType: z.string().optional(),
    eventType: z.string().optional(),
    bounce: z
      .object({ bounceType: z.string(), bounceSubType: z.string().optional(), bouncedRecipients: Recipients })
      .passthrough()
      .optional(),
    complaint: z
      .object({ complainedRecipients: Recipients, complaintFeedbackType: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** Bare address from `"Name" <a@b>` or `a@b`, trimmed and lower-cased. */
function bareAddress(value: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(value);
  return (angle?.[1] ?? value).trim().toLowerCase();
}

/**
 * Addresses to suppress from an SES notification (`notificationType`, or `eventType` for
 * configuration-set events): permanent bounces and complaints. Transient bounces: none.
 */
export function sesSuppressions(messageText: string): Suppression | null {
  const feedback = parseJsonAs(SesFeedbackSchema, messageText);
  if (!feedback) return null;
  const type = feedback.notificationType ?? feedback.eventType;
  const { bounce, complaint } = feedback;
  if (type === 'Bounce' && bounce?.bounceType === 'Permanent') {
    return {
      emails: bounce.bouncedRecipients.map((r) => bareAddress(r.emailAddress)),
      reason: `bounce: Permanent${bounce.bounceSubType ? `/${bounce.bounceSubType}` : ''}`,
    };
  }
  if (type === 'Complaint' && complaint) {
    return {
      emails: complaint.complainedRecipients.map((r) => bareAddress(r.emailAddress)),
      reason: `complaint${complaint.complaintFeedbackType ? `: ${complaint.complaintFeedbackType}` : ''}`,
    };
  }
  return null;
}
