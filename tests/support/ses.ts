/**
 * The SES emulator for tests: aws-ses-v2-local on an ephemeral port, an `SESClient` pointed at it
 * and helpers over the emulator's HTTP API (`GET /store`, `POST /clear-store`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { startEmbeddedMail } from '../../functions/local/embedded-mail.ts';

/** One message as the emulator keeps it (parsed by mailparser). */
export interface ReceivedEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Seconds since epoch. */
  at: number;
}

export interface TestSes {
  endpoint: string;
  client: SESClient;
  /** Every email received so far, oldest first. */
  emails(): Promise<ReceivedEmail[]>;
  /** Emails to one address (as the emulator shows it, e.g. `a@example.org`). */
  emailsTo(address: string): Promise<ReceivedEmail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSes(): Promise<TestSes> {
  const mail = await startEmbeddedMail({ port: 0 });
  const client = new SESClient({
    endpoint: mail.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const emails = async (): Promise<ReceivedEmail[]> => {
    const response = await fetch(`${mail.endpoint}/store`);
    if (!response.ok) throw new Error(`SES emulator /store: HTTP ${response.status}`);
    const body = (await response.json()) as { emails: ReceivedEmail[] };
    return body.emails;
  };
  return {
    endpoint: mail.endpoint,
    client,
    emails,
    async emailsTo(address) {
      const wanted = address.toLowerCase();
      return (await emails()).filter((email) =>
        email.destination.to.some((to) => to.toLowerCase().includes(wanted)),
      );
    },
    async clear() {
      const response = await fetch(`${mail.endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`SES emulator /clear-store: HTTP ${response.status}`);
    },
    async close() {
      client.destroy();
      await mail.close();
    },
  };
}

/**
 * A throwaway RSA key and self-signed certificate for SNS signature tests, made with openssl
 * (node:crypto cannot issue X.509 certificates). Valid from now for two days.
 */
export function makeTestCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sns-cert-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=sns.eu-west-2.amazonaws.com',
    ].concat(['-keyout', keyPath, '-out', certPath]),
    { stdio: 'ignore' },
  );
  const pair = { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  return pair;
}
