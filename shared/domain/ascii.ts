/**
 * @module Readable ASCII for places that cannot carry Unicode as is (an HTTP header value):
 * typographic punctuation becomes its ASCII look-alike (’ → ', “ → ", – → -), accents are
 * dropped after NFKD (é → e, ŵ → w), a few letters that do not decompose are spelled out
 * (ß → ss, æ → ae, ø → o), and what has no ASCII reading (emoji, Arabic, CJK) is dropped.
 * Controls become spaces and runs of spaces collapse, so the result is always one line.
 */
import { domainToASCII } from 'node:url';

const LOOK_ALIKES: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u02bc': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2039': "'",
  '\u203a': "'",
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '*',
  '\u00b7': '.',
  '\u00a9': '(c)',
  '\u00ae': '(R)',
  '\u2122': 'TM',
  '\u00a3': 'GBP',
  '\u20ac': 'EUR',
  '\u00df': 'ss',
  '\u1e9e': 'SS',
  '\u00e6': 'ae',
  '\u00c6': 'AE',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u00f8': 'o',
  '\u00d8': 'O',
  '\u0142': 'l',
  '\u0141': 'L',
  '\u0111': 'd',
  '\u0110': 'D',
  '\u00f0': 'd',
  '\u00d0': 'D',
  '\u00fe': 'th',
  '\u00de': 'Th',
  '\u0131': 'i',
};

const LOOK_ALIKE_PATTERN = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'g');

/**
 * `text` as readable printable ASCII (0x20–0x7E), at most `maxLength` characters (cut at a word
 * boundary where one is near, marked with `...`). Never throws; may return `''`.
 */
export function toReadableAscii(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  // Bound the work first: nothing past a few times the limit can reach the output.
  const input = Number.isFinite(maxLength) ? text.slice(0, Math.max(0, maxLength) * 4 + 16) : text;
  const ascii = input
    .replace(LOOK_ALIKE_PATTERN, (char) => LOOK_ALIKES[char] ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(LOOK_ALIKE_PATTERN, (char) => LOOK_ALIKES[char] ?? '')
    .replace(/[\p{Cc}\p{Z}]/gu, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ +/g, ' ')
    .trim();
  return truncate(ascii, maxLength);
}

function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 3) return text.slice(0, Math.max(0, maxLength));
  const cut = text.slice(0, maxLength - 3);
  const space = cut.lastIndexOf(' ');
  const head = space >= cut.length - 20 && space > 0 ? cut.slice(0, space) : cut;
  return `${head.trimEnd()}...`;
}

/**
 * An email address whose domain is written in ASCII (an internationalised domain becomes its
 * punycode form, `bücher.example` → `xn--bcher-kva.example`); the local part is kept as is.
 * Returns the input unchanged when it has no `@` or the domain is not a valid host name.
 */
export function asciiDomainEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const domain = address.slice(at + 1);
  if (/^[\x21-\x7e]*$/.test(domain)) return address;
  const ascii = domainToASCII(domain);
  return ascii ? `${address.slice(0, at)}@${ascii}` : address;
}
