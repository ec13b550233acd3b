/**
 * @module XML safety: documents whose DOCTYPE declares entities are refused before any parser
 * sees them, so "billion laughs" expansion and XXE cannot happen whatever the parser does with a
 * DTD. A bare reference to an external DTD is allowed: RSS 0.91 feeds still carry Netscape's
 * `<!DOCTYPE rss PUBLIC … "http://my.netscape.com/publish/formats/rss-0.91.dtd">`, and the
 * parser (sax, through xml2js) never loads external DTDs, so the reference is inert.
 */
import { ParseError } from '../errors.ts';

/** Throws `ParseError('unsafe-xml')` when the prolog's DOCTYPE is dangerous. */
export function assertSafeXml(xml: string): void {
  const doctype = prologDoctype(xml);
  if (doctype === null) return;
  if (/<!ENTITY/i.test(doctype)) {
    throw new ParseError(
      'unsafe-xml',
      'XML entity declarations are not allowed (the document declares <!ENTITY>, as entity-expansion attacks do)',
    );
  }
}

/** The DOCTYPE declaration before the root element, or null. */
function prologDoctype(xml: string): string | null {
  let at = 0;
  const length = xml.length;
  while (at < length) {
    const char = xml[at]!;
    if (char === '\uFEFF' || /\s/.test(char)) {
      at += 1;
      continue;
    }
    if (xml.startsWith('<?', at)) {
      const end = xml.indexOf('?>', at + 2);
      if (end < 0) return null;
      at = end + 2;
      continue;
    }
    if (xml.startsWith('<!--', at)) {
      const end = xml.indexOf('-->', at + 4);
      if (end < 0) return null;
      at = end + 3;
      continue;
    }
    if (xml.slice(at, at + 9).toUpperCase() === '<!DOCTYPE') return doctypeAt(xml, at);
    return null;
  }
  return null;
}

/** The whole DOCTYPE starting at `start`, including an internal subset in brackets. */
function doctypeAt(xml: string, start: number): string {
  let quote: string | null = null;
  let depth = 0;
  for (let at = start + 9; at < xml.length; at++) {
    const char = xml[at];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === '>' && depth <= 0) return xml.slice(start, at + 1);
  }
  // Unterminated: judge everything that follows, which is what a parser would read.
  return xml.slice(start);
}
