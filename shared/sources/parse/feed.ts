/**
 * @module RSS 2.0, Atom 1.0 and RDF/RSS 1.0 feeds (rss-parser) to `ParsedItem`s, keeping what
 * legislation.gov.uk and Parliament add: `ukm:Effect`, `ukm:` metadata, `published` vs `updated`,
 * `a10:updated` and the bill stage (docs/contract.md §2). Throws only `ParseError`.
 */
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';
import { collapse } from '../../domain/text.ts';
import type { ItemMeta, ParsedItem } from '../../domain/types.ts';
import { ParseError } from '../errors.ts';
import { toInstant } from './dates.ts';
import { attrs, deepText, extractEffect, text } from './feed-effect.ts';
import { entryFingerprint } from './fingerprint.ts';
import { htmlToText } from './html-text.ts';
import { assertSafeXml } from './xml-safety.ts';

export interface ParsedFeed {
  items: ParsedItem[];
  /** The resolved `rel="next"` link (RFC 5005 paging), or null on the last page. */
  nextUrl: string | null;
  title: string | null;
}

/** A feed entry read but not yet converted: its key, its fingerprint, and the conversion. */
export interface FeedEntry {
  key: string;
  /** Equal fingerprints convert to equal items (`fingerprint.ts`). */
  fingerprint: string;
  convert(): ParsedItem;
}

/** A feed read to its entries (`readFeed`), each converted only on demand. */
export interface FeedDocument {
  entries: FeedEntry[];
  nextUrl: string | null;
  title: string | null;
}

export interface FeedOptions {
  /** Zone for offset-less dates (`digests.timezone`); default Europe/London. */
  timezone?: string;
}

/*
 * Namespace prefixes are chosen by whoever wrote the feed (.NET writes `a10:` and `p4:`), so the
 * elements and attributes we need are renamed by local name to fixed names before rss-parser
 * reads them.
 */
const TAGS: Record<string, string> = {
  updated: 'ns:updated',
  link: 'atom:link',
  DocumentMainType: 'ukm:DocumentMainType',
  Year: 'ukm:Year',
  Number: 'ukm:Number',
};
const renameTag = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : (TAGS[name.slice(colon + 1)] ?? name);
};
const renameAttr = (name: string) =>
  !name.startsWith('xmlns') && name.endsWith(':stage') ? 'ns:stage' : name;

type RawItem = {
  id?: string;
  guid?: string;
  title?: string;
  link?: string;
  pubDate?: string;
  'dc:date'?: string;
  summary?: string;
  content?: string;
  'content:encoded'?: string;
  'rdf:about'?: string;
  attrs?: Record<string, string>;
  links?: unknown[];
  atomLinks?: unknown[];
  rawContent?: unknown[];
  rawSummary?: unknown[];
  rawDescription?: unknown[];
  rawTitle?: unknown[];
  rawPubDate?: string;
  published?: string;
  updated?: string;
  nsUpdated?: string;
  rawCategories?: unknown[];
  ukmType?: unknown;
  ukmYear?: unknown;
  ukmNumber?: unknown;
};
type RawFeed = { title?: string; feedLinks?: unknown[]; atomLinks?: unknown[]; items: RawItem[] };

const parser = new Parser<Omit<RawFeed, 'items'>, RawItem>({
  xml2js: { tagNameProcessors: [renameTag], attrNameProcessors: [renameAttr] },
  customFields: {
    feed: [
      ['link', 'feedLinks', { keepArray: true }],
      ['atom:link', 'atomLinks', { keepArray: true }],
    ] as unknown as Array<keyof Omit<RawFeed, 'items'>>,
    item: [
      ['$', 'attrs', { keepArray: true }],
      ['link', 'links', { keepArray: true }],
      ['atom:link', 'atomLinks', { keepArray: true }],
      ['content', 'rawContent', { keepArray: true }],
      ['summary', 'rawSummary', { keepArray: true }],
      ['description', 'rawDescription', { keepArray: true }],
      ['title', 'rawTitle', { keepArray: true }],
      ['pubDate', 'rawPubDate'],
      'published',
      'updated',
      ['ns:updated', 'nsUpdated'],
      ['category', 'rawCategories', { keepArray: true }],
      ['ukm:DocumentMainType', 'ukmType', { keepArray: true }],
      ['ukm:Year', 'ukmYear', { keepArray: true }],
      ['ukm:Number', 'ukmNumber', { keepArray: true }],
    ] as unknown as Array<keyof RawItem>,
  },
});

/** Parses a feed document; `baseUrl` (the fetched URL) resolves relative links. */
export async function parseFeed(
  xml: string,
  baseUrl: string,
  options: FeedOptions = {},
): Promise<ParsedFeed> {
  const document = await readFeed(xml, baseUrl, options);
  return {
    items: document.entries.map((entry) => entry.convert()),
    nextUrl: document.nextUrl,
    title: document.title,
  };
}

/**
 * Reads a feed document to its entries, keyed and fingerprinted but not converted: converting
 * (HTML summaries to text, effects, dates) is most of a feed's reading, and in a feed polled
 * again most entries are the ones stored last time. The first entry of each key is kept.
 */
export async function readFeed(
  xml: string,
  baseUrl: string,
  options: FeedOptions = {},
): Promise<FeedDocument> {
  assertSafeXml(xml);
  let feed: RawFeed;
  try {
    feed = (await parser.parseString(xml)) as unknown as RawFeed;
  } catch (error) {
    throw notAFeed(error);
  }
  const timezone = options.timezone ?? 'Europe/London';
  const seen = new Set<string>();
  const entries: FeedEntry[] = [];
  for (const raw of feed.items) {
    const ref = entryRef(raw, baseUrl);
    if (ref.key === '' || seen.has(ref.key)) continue;
    seen.add(ref.key);
    entries.push({
      key: ref.key,
      fingerprint: entryFingerprint(raw, baseUrl, timezone),
      convert: () => toItem(raw, ref, baseUrl, timezone),
    });
  }
  const next = [...linkObjects(feed.feedLinks), ...linkObjects(feed.atomLinks)].find(
    (link) => link.rel === 'next',
  );
  return {
    entries,
    nextUrl: next ? resolve(next.href, baseUrl) : null,
    title: typeof feed.title === 'string' ? collapse(feed.title) || null : null,
  };
}

function notAFeed(error: unknown): ParseError {
  const message = error instanceof Error ? error.message.split('\n').join(' ') : String(error);
  if (/not recognized as RSS/i.test(message)) {
    return new ParseError('not-a-feed', 'not a feed: the document is XML but neither RSS, Atom nor RDF', {
      cause: error,
    });
  }
  return new ParseError('malformed', `not a feed: malformed XML (${message})`, { cause: error });
}

interface LinkObject {
  href: string;
  rel: string | null;
  type: string | null;
}

/** Atom `<link href rel type>` elements (RSS `<link>` text is not one of these). */
function linkObjects(raw: unknown[] | undefined): LinkObject[] {
  return (raw ?? []).flatMap((node) => {
    const a = attrs(node);
    return a.href ? [{ href: a.href, rel: a.rel ?? null, type: a.type ?? null }] : [];
  });
}

interface EntryRef {
  key: string;
  link: string;
  atomLinks: LinkObject[];
}

/** An entry's identity: Atom `id`, RSS `guid`, its link, `rdf:about`, else a hash of its title. */
function entryRef(raw: RawItem, baseUrl: string): EntryRef {
  const atomLinks = [...linkObjects(raw.links), ...linkObjects(raw.atomLinks)];
  const rssLink = (raw.links ?? []).map((link) => collapse(text(link))).find((link) => link !== '');
  const alternate =
    atomLinks.find((link) => link.rel === 'alternate' && link.type?.toLowerCase().startsWith('text/html')) ??
    atomLinks.find((link) => link.rel === null) ??
    atomLinks.find((link) => link.rel === 'alternate');
  const link = resolve(alternate?.href ?? rssLink ?? raw['rdf:about'] ?? '', baseUrl);
  const key =
    collapse(raw.id ?? '') ||
    collapse(raw.guid ?? '') ||
    link ||
    collapse(raw['rdf:about'] ?? '') ||
    hashKey(titleOf(raw));
  return { key, link, atomLinks };
}

function titleOf(raw: RawItem): string {
  return raw.rawTitle?.[0] === undefined ? collapse(String(raw.title ?? '')) : textOf(raw.rawTitle[0]);
}

function toItem(raw: RawItem, ref: EntryRef, baseUrl: string, timezone: string): ParsedItem {
  const { key, link, atomLinks } = ref;
  const title = titleOf(raw);
  const effect = extractEffect(raw.rawContent?.[0]);

  // rss-parser copies an Atom entry's `updated` into pubDate; only a real <pubDate> counts.
  const published = raw.published ?? raw.rawPubDate ?? raw['dc:date'];
  const updated = raw.updated ?? raw.nsUpdated;
  const links = new Set<string>();
  for (const candidate of [
    raw.id,
    raw.guid,
    link,
    ...atomLinks.map((l) => resolve(l.href, baseUrl)),
    ...(effect?.links ?? []),
  ]) {
    const value = candidate ? collapse(candidate) : '';
    if (/^https?:\/\//i.test(value)) links.add(value);
  }
  const item: ParsedItem = {
    key,
    title,
    url: effect?.url ?? (link || baseUrl),
    summary: textOf(raw.rawSummary?.[0] ?? raw.rawDescription?.[0]),
    content: effect ? '' : contentText(raw),
    publishedAt: toInstant(published, timezone),
    updatedAt: toInstant(updated, timezone),
    links: [...links],
  };
  if (effect) item.effect = effect.effect;
  const meta = itemMeta(raw, effect?.applied ?? null);
  if (meta) item.meta = meta;
  return item;
}

/** RSS: `description` is the summary and `content:encoded` the content; Atom: `summary`, `content`. */
function contentText(raw: RawItem): string {
  if (raw['content:encoded']) return htmlToText(raw['content:encoded']);
  return textOf(raw.rawContent?.[0]);
}

/** Text of an Atom text construct or RSS element: `type="text"` as is, HTML reduced, XHTML's text. */
function textOf(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return htmlToText(node);
  const type = attrs(node).type?.toLowerCase();
  if (type === 'text') return collapse(text(node));
  if (type === undefined || type === 'html' || type === 'text/html') return htmlToText(text(node));
  return collapse(xhtmlText(node));
}

/**
 * XHTML text: xml2js loses the order of mixed content, so bilingual legislation.gov.uk titles
 * (`<span xml:lang="en">…</span> / <span xml:lang="cy">…</span>`) are rebuilt English first.
 */
function xhtmlText(node: unknown): string {
  const languages: Array<{ lang: string; text: string }> = [];
  const visit = (current: unknown) => {
    if (current === null || typeof current !== 'object') return;
    const lang = attrs(current)['xml:lang'];
    if (lang) {
      languages.push({ lang, text: collapse(deepText(current)) });
      return;
    }
    for (const [key, value] of Object.entries(current)) {
      if (key !== '$' && key !== '_' && Array.isArray(value)) value.forEach(visit);
    }
  };
  visit(node);
  if (languages.length === 0) return deepText(node);
  languages.sort((a, b) => Number(!a.lang.startsWith('en')) - Number(!b.lang.startsWith('en')));
  return languages.map((entry) => entry.text).join(' / ');
}

function itemMeta(raw: RawItem, applied: boolean | null): ItemMeta | null {
  const meta: ItemMeta = {};
  const value = (node: unknown) => attrs((node as unknown[] | undefined)?.[0]).Value;
  const mainType = value(raw.ukmType);
  const year = value(raw.ukmYear);
  const number = value(raw.ukmNumber);
  if (mainType) meta.documentMainType = mainType;
  if (year) meta.year = year;
  if (number) meta.number = number;
  const stage = raw.attrs?.['ns:stage'];
  if (stage) meta.stage = collapse(stage);
  const categories = (raw.rawCategories ?? [])
    .map((category) => collapse(attrs(category).term ?? text(category)))
    .filter((category) => category !== '');
  if (categories.length > 0) meta.categories = categories;
  if (applied !== null) meta.applied = applied;
  return Object.keys(meta).length > 0 ? meta : null;
}

function resolve(href: string, baseUrl: string): string {
  const value = href.trim();
  if (value === '') return '';
  try {
    return new URL(value, baseUrl).href;
  } catch {
    return value;
  }
}

function hashKey(title: string): string {
  return title === '' ? '' : `sha256:${createHash('sha256').update(title).digest('hex')}`;
}
