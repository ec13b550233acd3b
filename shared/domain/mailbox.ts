/**
 * @module Sender mailboxes as people write them: `alerts@example.org` or
 * `Policy Team <alerts@example.org>` (the display name may be any Unicode, the domain an
 * internationalised one). Addresses are kept with an ASCII (punycode) domain, which is what
 * SES and every mail header can carry; display names are encoded by the MIME builder (RFC 2047).
 */
import * as z from 'zod';
import { asciiDomainEmail } from './ascii.ts';

export interface Mailbox {
  /** The display name, when one was given (trimmed, quotes removed). */
  name?: string;
  /** The address, domain in ASCII. */
  address: string;
}

/** Longest display name accepted in config (a longer one only fills the From line). */
export const DISPLAY_NAME_MAX = 120;

const emailSchema = z.email();
const NAMED = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<>"]*?))\s*<([^<>\s]+)>\s*$/s;

/** The mailbox `text` stands for, or null when it is not one address (with an optional name). */
export function parseMailbox(text: string): Mailbox | null {
  const named = NAMED.exec(text);
  const rawAddress = named ? (named[3] ?? '') : text.trim();
  const address = asciiDomainEmail(rawAddress);
  if (address.length > 254 || !emailSchema.safeParse(address).success) return null;
  const name = named ? (named[1]?.replace(/\\(.)/g, '$1') ?? named[2] ?? '').trim() : '';
  return name ? { name, address } : { address };
}

/** The bare address of a mailbox (for the SES envelope), or `text` itself when it is not one. */
export function mailboxAddress(text: string): string {
  return parseMailbox(text)?.address ?? text;
}
