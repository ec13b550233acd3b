/**
 * @module A watched HTML page (cheerio, docs/contract.md §2): without `items`, the `select` region's visible
 * lines as one item; with `items`, one item per `each` element. A selector that matches nothing
 * fails the source, so a redesign never looks like "everything was removed".
 */
import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import { select as cssSelect } from 'cheerio-select';
import { compile } from 'css-select';
import { type AnyNode, type Document, type Element, isTag } from 'domhandler';
import { parse as parseHtml } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { type PageSourceConfig, sourceTitle } from '../../config/schema.ts';
import { collapse } from '../../domain/text.ts';
import type { ParsedItem } from '../../domain/types.ts';
import { ParseError } from '../errors.ts';
import { MAX_HTML_DEPTH, nodeLines, tooDeep } from './html-text.ts';

export function parsePage(html: string, source: PageSourceConfig, baseUrl: string): ParsedItem[] {
  if (tooDeep(html)) {
    throw new ParseError(
      'malformed',
      `page nests elements more than ${MAX_HTML_DEPTH} deep, which no browser renders; refused rather than parsed`,
    );
  }
  const document = parseDocument(html);
  // cheerio is only loaded over the tree when a selection needs it (items, see regionOf).
  let loaded: cheerio.CheerioAPI | undefined;
  const cheerioOf = () => {
    loaded ??= cheerio.load(document);
    return loaded;
  };
  const selectors = Array.isArray(source.select) ? source.select : [source.select];
  const regions: AnyNode[] = [];
  for (const selector of selectors) {
    const found = select(() => regionOf(document, selector, cheerioOf), selector);
    if (found.length === 0) throw nothingMatched(selector);
    regions.push(...found);
  }
  if (!source.items) {
    const lines = nodeLines(regions);
    // An empty region (a script-only shell, a broken template) would read as "every line
    // removed"; like a selector that matches nothing, it fails and keeps the stored version.
    if (lines.length === 0) {
      throw new ParseError(
        'selector',
        `selector matched nothing visible: ${selectors.join(', ')} has no text (the page may need JavaScript)`,
      );
    }
    return [
      {
        key: source.url,
        title: sourceTitle(source),
        url: source.url,
        summary: '',
        content: lines.join('\n'),
        publishedAt: null,
        updatedAt: null,
        links: [source.url],
      },
    ];
  }
  const spec = source.items;
  const $ = cheerioOf();
  const base = documentBase($, baseUrl);
  const elements = select(() => $(regions).find(spec.each), spec.each).toArray();
  if (elements.length === 0) throw nothingMatched(spec.each);
  const seen = new Set<string>();
  const items: ParsedItem[] = [];
  for (const element of elements) {
    const $element = $(element);
    const titleNode = spec.title
      ? select(() => $element.find(spec.title!).first(), spec.title)
      : $element.find('h1, h2, h3, h4, h5, h6').first();
    const title = collapse(titleNode.length > 0 ? titleNode.text() : $element.text()).slice(0, 300);
    const anchor = linkElement($element, spec.link);
    const href = anchor?.attr('href');
    const link = href ? resolve(href, base) : null;
    const textNode = spec.text ? select(() => $element.find(spec.text!), spec.text) : $element;
    const text = nodeLines(textNode.toArray()).join(' ');
    const key = link ?? createHash('sha256').update(title).digest('hex');
    if (title === '' && text === '') continue;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({
      key,
      title: title || text.slice(0, 120),
      url: link ?? source.url,
      summary: text,
      content: '',
      publishedAt: null,
      updatedAt: null,
      links: link ? [link] : [],
    });
  }
  return items;
}

// cheerio's default parser (parse5, with the tree adapter cheerio itself uses) builds the tree a
// browser builds (implied <body> and <tbody>, misnested tags repaired), which is what selectors
// are written against; htmlparser2 is about three times faster on these pages but reads such
// markup differently. The options are the ones `cheerio.load(html)` passes to parse5.
const PARSE5_OPTIONS = { treeAdapter: adapter, scriptingEnabled: true };

function parseDocument(html: string): Document {
  return parseHtml(html, PARSE5_OPTIONS);
}

// cheerio's own test for a selector read from the document itself rather than its children.
const CONTEXT_SELECTOR = /^\s*(?:[+~]|:scope\b)/;

/**
 * What `$(selector)` selects after `cheerio.load`, without building cheerio's wrapper objects
 * (a class per loaded document, about a tenth of a page's parse time): cheerio-select with the
 * options cheerio passes. A selector with a `<` goes through cheerio itself, which may read it
 * as markup to create rather than a selector.
 */
function regionOf(document: Document, selector: string, cheerioOf: () => cheerio.CheerioAPI): AnyNode[] {
  if (selector.includes('<')) return cheerioOf()(selector).toArray();
  const elems = CONTEXT_SELECTOR.test(selector) ? [document] : document.children.filter(isTag);
  if (contextFree(selector)) return cssSelect(compiledQuery(selector), elems);
  return cssSelect(selector, elems, { context: [document], root: document });
}

/**
 * Whether a selector is compiled the same whatever document it runs on, so it can be compiled
 * once for every page that uses it: no pseudo-class (`:scope` refers to the document; `:first`,
 * `:eq()` and the like are cheerio-select's positional filters, applied to one result) and no
 * part that starts with a combinator (relative to the document). Any `:` counts, even in an
 * attribute value: such a selector is only compiled per page, as before.
 */
function contextFree(selector: string): boolean {
  return !selector.includes(':') && !/(?:^|,)\s*[>+~]/.test(selector);
}

// Few selectors come from a config: the cache is only cleared in case something makes many.
const COMPILED_LIMIT = 1000;
const compiled = new Map<string, (element: Element) => boolean>();

function compiledQuery(selector: string): (element: Element) => boolean {
  let query = compiled.get(selector);
  if (!query) {
    query = compile<AnyNode, Element>(selector);
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(selector, query);
  }
  return query;
}

function nothingMatched(selector: string): ParseError {
  return new ParseError('selector', `selector matched nothing: ${selector}`);
}

/** Runs a selection, turning an invalid selector into a ParseError that names it. */
function select<T>(run: () => T, selector: string): T {
  try {
    return run();
  } catch (error) {
    throw new ParseError('selector', `invalid CSS selector "${selector}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The `<a href>` for an item: the `link` selector's match (or an anchor inside it), else the first anchor. */
function linkElement(
  $element: cheerio.Cheerio<AnyNode>,
  selector: string | undefined,
): cheerio.Cheerio<AnyNode> | null {
  const candidates = selector ? select(() => $element.find(selector).first(), selector) : $element;
  if (candidates.length === 0) return null;
  if (candidates.is('a[href]')) return candidates;
  const inner = candidates.find('a[href]').first();
  return inner.length > 0 ? inner : null;
}

function documentBase($: cheerio.CheerioAPI, baseUrl: string): string {
  const href = $('base[href]').first().attr('href');
  return href ? resolve(href, baseUrl) : baseUrl;
}

function resolve(href: string, base: string): string {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return href.trim();
  }
}
