/**
 * @module Raw RFC 5322 messages (docs/contract.md §7) built with nodemailer's MailComposer:
 * `multipart/alternative` text + HTML, `From: "<organisation>" <MAIL_FROM>`, one-click
 * unsubscribe headers (RFC 8058), encoded and folded headers.
 */
import { randomUUID } from 'node:crypto';
import { oneLine } from './escape.ts';

export interface MimeInput {
  /** Display name of the sender (the organisation). */
  fromName: string;
  fromAddress: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Adds `List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. */
  unsubscribeUrl?: string;
  /** Defaults: a random id at the sender's domain, now. Fixed in golden-file tests. */
  messageId?: string;
  date?: Date;
  /** Fixes the multipart boundaries (golden-file tests only). */
  baseBoundary?: string;
}

/** Builds the whole message, CRLF line ends. */
export async function buildMime(input: MimeInput): Promise<Buffer> {
  const domain = input.fromAddress.split('@')[1] ?? 'localhost';
  const headers: Record<string, string> = {};
  if (input.unsubscribeUrl) {
    // The URL is ours (PUBLIC_URL + token) but is still checked: a CR/LF would inject headers.
    if (/[\s<>]/.test(input.unsubscribeUrl)) throw new Error('unsubscribe URL must not contain spaces or <>');
    headers['List-Unsubscribe'] = `<${input.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const name = oneLine(input.fromName);
  // Loaded on the first message: commands that send nothing (most polls) never load nodemailer.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const composer = new MailComposer({
    from: { name, address: input.fromAddress },
    to: input.to,
    // MailComposer encodes (RFC 2047) and folds; it cannot fold what a CR/LF already broke.
    subject: oneLine(input.subject),
    text: input.text,
    html: input.html,
    headers,
    messageId: input.messageId ?? `<${randomUUID()}@${domain}>`,
    date: input.date ?? new Date(),
    textEncoding: 'quoted-printable',
    ...(input.baseBoundary ? { baseBoundary: input.baseBoundary } : {}),
  });
  return quoteFromName(await composer.compile().build(), name, input.fromAddress);
}

/**
 * docs/contract.md §7 shows the display name quoted (`From: "<organisation>" <MAIL_FROM>`); MailComposer
 * only quotes when it must. Same meaning either way (RFC 5322 phrase), so an ASCII name is
 * rewritten as a quoted-string; anything else keeps the library's RFC 2047 encoding.
 */
function quoteFromName(raw: Buffer, name: string, address: string): Buffer {
  const asciiAddress = /^[\x21-\x7e]+@[\x21-\x7e]+$/.test(address) && !/[<>"]/.test(address);
  if (!/^[\x20-\x7e]{1,200}$/.test(name) || !asciiAddress) return raw;
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const from = foldHeader(`From: "${name.replace(/[\\"]/g, '\\$&')}" <${address}>`);
  const head = text.slice(0, end).replace(/^From: [^\r\n]*(?:\r\n[ \t][^\r\n]*)*/m, () => from);
  return Buffer.from(head + text.slice(end), 'latin1');
}

const SOFT_LINE_LIMIT = 78;

/**
 * Folds one unfolded header line before spaces so each line keeps to RFC 5322's 78-character
 * soft limit where a space allows it. Folding is allowed inside a quoted display name (FWS in
 * a quoted-string) and unfolding (dropping the CRLF) restores the line exactly.
 */
export function foldHeader(line: string): string {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(/(?= )/)) {
    if (current !== '' && current.length + word.length > SOFT_LINE_LIMIT) {
      lines.push(current);
      current = word;
    } else current += word;
  }
  lines.push(current);
  return lines.join('\r\n');
}

/** Longest header line (octets, without CRLF), for RFC 5322's 998 limit and the 78 soft one. */
export function headerLineLengths(raw: Buffer): number[] {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  return head.split('\r\n').map((line) => line.length);
}
