/**
 * @module Rendered email → MIME → `Mailer`: the one path every message takes.
 */
import type { Mailer } from '../ports.ts';
import { buildMime } from './mime.ts';
import type { RenderedEmail } from './render-digest.ts';

export interface Envelope {
  fromName: string;
  fromAddress: string;
  to: string;
  unsubscribeUrl?: string;
}

export async function composeAndSend(
  mailer: Mailer,
  envelope: Envelope,
  email: RenderedEmail,
  date: Date,
): Promise<{ messageId: string }> {
  const raw = await buildMime({ ...envelope, ...email, date });
  return mailer.sendRaw({ from: envelope.fromAddress, to: envelope.to, raw });
}
