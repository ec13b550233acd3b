/**
 * @module Bytes to text (docs/contract.md §2): the HTTP `charset` wins, then a byte-order mark, then the XML
 * declaration's `encoding`, then (HTML) a `<meta charset>`, else UTF-8. An unknown charset fails
 * the source; undeclared bytes that are not UTF-8 are read as windows-1252, as browsers do.
 */
import { TextDecoder } from 'node:util';
import { ParseError } from '../errors.ts';

export type DocumentKind = 'xml' | 'html' | 'json';

export interface Decoded {
  text: string;
  /** WHATWG name of the encoding used, e.g. `utf-8`, `windows-1252`. */
  encoding: string;
  /** Where the encoding came from. */
  from: 'http' | 'bom' | 'xml-declaration' | 'meta' | 'default' | 'fallback';
}

const BOMS: ReadonlyArray<[number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/** Only the start of a document is searched for a declaration, as browsers do. */
const PRESCAN_BYTES = 1024;

export function decodeBody(body: Buffer, kind: DocumentKind, httpCharset: string | null): Decoded {
  if (httpCharset) return decodeWith(body, httpCharset, 'http');
  const bom = bomEncoding(body);
  if (bom) return decodeWith(body, bom, 'bom');
  if (kind !== 'json') {
    const sniffed = utf16WithoutBom(body);
    if (sniffed) return decodeWith(body, sniffed, 'xml-declaration');
    const head = body.subarray(0, PRESCAN_BYTES).toString('latin1');
    const declared = xmlDeclarationEncoding(head) ?? (kind === 'html' ? metaCharset(head) : null);
    if (declared) {
      // A document that says UTF-16 but is plainly ASCII-compatible is lying about itself.
      const label = /^utf-?16/i.test(declared) ? 'utf-8' : declared;
      return decodeWith(
        body,
        label,
        kind === 'html' && !head.startsWith('<?xml') ? 'meta' : 'xml-declaration',
      );
    }
  }
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true }).decode(body),
      encoding: 'utf-8',
      from: 'default',
    };
  } catch {
    return { text: decodeWindows1252(body), encoding: 'windows-1252', from: 'fallback' };
  }
}

function decodeWith(body: Buffer, label: string, from: Decoded['from']): Decoded {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label.trim());
  } catch (error) {
    const where =
      from === 'http' ? 'the HTTP Content-Type' : from === 'meta' ? 'a <meta> tag' : `the ${from}`;
    throw new ParseError('encoding', `unknown character encoding "${label}" declared by ${where}`, {
      cause: error,
    });
  }
  if (decoder.encoding === 'windows-1252')
    return { text: decodeWindows1252(body), encoding: decoder.encoding, from };
  // Malformed bytes in a declared encoding become U+FFFD rather than failing the whole source.
  return { text: decoder.decode(body), encoding: decoder.encoding, from };
}

/** 0x80–0x9F of windows-1252 (undefined bytes stay as their C1 code points, as WHATWG says). */
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8DŽ\x8F\x90‘’“”•–—˜™š›œ\x9DžŸ';

/**
 * Node 20's TextDecoder treats windows-1252 (and so iso-8859-1) as Latin-1, turning curly quotes
 * and dashes into C1 control characters; this maps them as browsers do.
 */
function decodeWindows1252(body: Buffer): string {
  const latin1 = body.toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80] ?? char);
}

function bomEncoding(body: Buffer): string | null {
  for (const [bytes, name] of BOMS) {
    if (bytes.every((byte, index) => body[index] === byte)) return name;
  }
  return null;
}

/** `<?` in UTF-16 without a BOM. */
function utf16WithoutBom(body: Buffer): string | null {
  if (body[0] === 0x3c && body[1] === 0x00 && body[2] === 0x3f && body[3] === 0x00) return 'utf-16le';
  if (body[0] === 0x00 && body[1] === 0x3c && body[2] === 0x00 && body[3] === 0x3f) return 'utf-16be';
  return null;
}

export function xmlDeclarationEncoding(head: string): string | null {
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase() ?? null;
}

export function metaCharset(head: string): string | null {
  const direct = /<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase() ?? null;
}
