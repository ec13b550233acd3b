/**
 * @module One entry point from fetched bytes to items: decode (docs/contract.md §2 charset rules), sniff for
 * the wrong kind of document, then the parser of the source's kind. Also the Accept header and
 * accepted content types per kind, for the fetcher. Each parser (and its libraries: rss-parser,
 * cheerio) is loaded the first time a body of its kind is parsed, so a poll that gets only 304s
 * and unchanged bodies never loads them.
 */
import type { SourceConfig } from '../../config/schema.ts';
import type { ParsedItem, SourceKind } from '../../domain/types.ts';
import { isHttpUrl } from '../../domain/urls.ts';
import { ParseError } from '../errors.ts';
import { type DocumentKind, decodeBody } from './decode.ts';

const FEED_TYPES = [
  'application/atom+xml',
  'application/rss+xml',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
] as const;

/**
 * Content types accepted per kind (for `FetchRequest.acceptTypes`). Feeds also allow the generic
 * types servers often send for them; the body is sniffed, so HTML under those still fails.
 */
export const ACCEPT_TYPES: Record<SourceKind, readonly string[]> = {
  feed: [...FEED_TYPES, 'application/x-rss+xml', 'text/plain', 'application/octet-stream'],
  'govuk-search': ['application/json', 'text/json'],
  page: ['text/html', 'application/xhtml+xml'],
};

/** `Accept` header per kind (for `FetchRequest.accept`). */
export const ACCEPT_HEADER: Record<SourceKind, string> = {
  feed: `${FEED_TYPES.join(', ')};q=0.9, */*;q=0.1`,
  'govuk-search': 'application/json',
  page: 'text/html, application/xhtml+xml;q=0.9',
};

export interface BodyMeta {
  contentType: string | null;
  charset: string | null;
  /** The final URL after redirects: relative links resolve against it. */
  url: string;
}

export interface ParsedBody {
  items: ParsedItem[];
  /** Feeds: the next page (`rel="next"`), resolved; null otherwise. */
  nextUrl: string | null;
  title: string | null;
  /** Encoding the body was read with. */
  encoding: string;
}

/** One item of a read body, converted on demand (`convertEntry`). */
export interface BodyEntry {
  key: string;
  /** Feeds: the entry's fingerprint (see `FeedEntry`); null for kinds read whole. */
  fingerprint: string | null;
  convert(): ParsedItem;
}

/** A body read to its entries (`readSourceBody`); `ParsedBody` with conversion left to the caller. */
export interface SourceDocument extends Omit<ParsedBody, 'items'> {
  entries: BodyEntry[];
}

const KIND_DOCUMENT: Record<SourceKind, DocumentKind> = { feed: 'xml', 'govuk-search': 'json', page: 'html' };

/** Decodes and parses a fetched body, converting every item. Throws only `ParseError`. */
export async function parseSourceBody(
  source: SourceConfig,
  body: Buffer,
  meta: BodyMeta,
  options: { timezone?: string } = {},
): Promise<ParsedBody> {
  const { entries, ...document } = await readSourceBody(source, body, meta, options);
  return { ...document, items: entries.map((entry) => convertEntry(source, entry)) };
}

/**
 * Decodes and parses a fetched body to its entries. A feed's entries are converted only when
 * asked (`convertEntry`), so a poll converts just the entries whose fingerprints changed; other
 * kinds are read whole. Throws only `ParseError`.
 */
export async function readSourceBody(
  source: SourceConfig,
  body: Buffer,
  meta: BodyMeta,
  options: { timezone?: string } = {},
): Promise<SourceDocument> {
  const decoded = decodeBody(body, KIND_DOCUMENT[source.kind], meta.charset);
  const text = decoded.text;
  // A 200 with nothing in it is a server hiccup, not a source whose items were all removed.
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new ParseError('empty', `empty response from ${meta.url}: the server sent no content`);
  }
  const whole = (items: ParsedItem[]): SourceDocument => ({
    entries: items.map((item) => {
      const converted = withWebAddress(item, meta.url);
      return { key: item.key, fingerprint: null, convert: () => converted };
    }),
    nextUrl: null,
    title: null,
    encoding: decoded.encoding,
  });
  try {
    switch (source.kind) {
      case 'feed': {
        if (looksLikeHtml(text))
          throw new ParseError('html-instead-of-feed', 'expected a feed but got an HTML page');
        if (/^\s*[[{]/.test(text)) throw new ParseError('not-a-feed', 'not a feed: the document is JSON');
        const { readFeed } = await import('./feed.ts');
        const feed = await readFeed(withoutInvalidCharRefs(text), meta.url, options);
        return {
          entries: feed.entries.map((entry) => ({
            key: entry.key,
            fingerprint: entry.fingerprint,
            convert: () => withWebAddress(entry.convert(), meta.url),
          })),
          nextUrl: feed.nextUrl,
          title: feed.title,
          encoding: decoded.encoding,
        };
      }
      case 'govuk-search': {
        if (looksLikeHtml(text)) {
          throw new ParseError('bad-shape', 'expected GOV.UK search JSON but got an HTML page');
        }
        const { parseGovukSearch } = await import('./govuk-search.ts');
        return whole(parseGovukSearch(text, source.url, options));
      }
      case 'page': {
        const { parsePage } = await import('./page.ts');
        return whole(parsePage(text, source, meta.url));
      }
    }
  } catch (error) {
    throw asParseError(source, error);
  }
}

/** An entry's item; a conversion that throws fails the source as an unreadable document would. */
export function convertEntry(source: SourceConfig, entry: BodyEntry): ParsedItem {
  try {
    return entry.convert();
  } catch (error) {
    throw asParseError(source, error);
  }
}

function asParseError(source: SourceConfig, error: unknown): ParseError {
  if (error instanceof ParseError) return error;
  // A parser bug or an unforeseen input must still surface as this source failing, with context.
  return new ParseError('malformed', `could not read ${source.kind} document: ${(error as Error).message}`, {
    cause: error,
  });
}

// References to characters XML 1.0 forbids (&#x0B; from a word processor, &#7;): the parser
// rejects the whole document over one of them, so each becomes a space first.
const INVALID_CHAR_REF = /&#(?:[xX]0*(?:[0-8bBcCeE]|[fF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));/g;

export function withoutInvalidCharRefs(text: string): string {
  return text.replace(INVALID_CHAR_REF, ' ');
}

/**
 * Alerts link only to web pages: an item whose address is not absolute http(s) (`javascript:`,
 * `vbscript:`, `data:`, `mailto:`…) points at the document it was found in instead.
 */
function withWebAddress(item: ParsedItem, documentUrl: string): ParsedItem {
  return isHttpUrl(item.url) ? item : { ...item, url: documentUrl };
}

/** An HTML document rather than XML: a doctype html or an `<html>` root after the prolog. */
export function looksLikeHtml(text: string): boolean {
  const head = text
    .slice(0, 2048)
    .replace(/^\uFEFF/, '')
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .trimStart()
    .toLowerCase();
  return (
    head.startsWith('<!doctype html') ||
    head.startsWith('<html') ||
    head.startsWith('<head') ||
    head.startsWith('<body')
  );
}
