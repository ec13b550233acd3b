/**
 * @module HTML to plain text over parsed nodes (domhandler's, from cheerio or htmlparser2): visible
 * text only (scripts, styles, templates dropped), block elements on lines of their own,
 * whitespace collapsed. Used for feed summaries and for the lines of a watched page region.
 */
import type { AnyNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { collapse } from '../../domain/text.ts';

const HIDDEN = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'title',
  'meta',
  'link',
  'svg',
  'iframe',
]);
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'option',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);

/** The visible lines of some nodes: one per block element, empty ones dropped. */
export function nodeLines(nodes: readonly AnyNode[]): string[] {
  const lines: string[] = [];
  let current = '';
  const breakLine = () => {
    const line = collapse(current);
    if (line !== '') lines.push(line);
    current = '';
  };
  const walk = (node: AnyNode) => {
    if (node.type === 'text') {
      current += (node as unknown as { data: string }).data;
      return;
    }
    if (node.type === 'cdata' || node.type === 'root') {
      for (const child of (node as unknown as { children: AnyNode[] }).children) walk(child);
      return;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') return;
    const element = node as Element;
    const name = element.tagName.toLowerCase();
    if (HIDDEN.has(name) || element.attribs.hidden !== undefined) return;
    if (name === 'br') {
      breakLine();
      return;
    }
    const block = BLOCK.has(name);
    if (block) breakLine();
    else if (name === 'td' || name === 'th') current += ' ';
    for (const child of element.children) walk(child);
    if (block) breakLine();
  };
  for (const node of nodes) walk(node);
  breakLine();
  return lines;
}

/** An HTML fragment as one line of plain text. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  // Too deep to hand to a parser (see tooDeep): the tags are dropped and the text kept.
  // `[^<>]`, not `[^>]`: each attempt stops at the next `<`, so a run of `<` without `>` costs
  // linear time instead of quadratic (a hostile summary could block the process for hours).
  if (tooDeep(html)) return collapse(html.replace(/<[^<>]*>/g, ' '));
  return nodeLines([parseDocument(html, SUMMARY_PARSER)]).join(' ');
}

/**
 * Summaries are parsed with htmlparser2 (in HTML mode, the parser cheerio itself uses for its
 * `xml` option), not parse5 through cheerio: about 2.5x faster on the recorded feeds' markup, a
 * measurable share of a poll with many new entries, and a feed poll then loads neither cheerio
 * nor parse5 (only pages do: page.ts, legislation-contents.ts). The text is
 * the same: what differs between the two is the tree a browser would build around misnested
 * markup (implied `<tbody>`, a stray `</p>` becoming an empty paragraph), which matters to CSS
 * selectors on pages (page.ts stays on parse5) but not to one line of text. The cases where the
 * text could differ are pinned in tests/unit/sources/parse/html-text.test.ts.
 */
const SUMMARY_PARSER = { xmlMode: false, decodeEntities: true } as const;

/** Browsers stop nesting at 512 (Chromium's parser limit); no real page goes deeper. */
export const MAX_HTML_DEPTH = 512;
const VOID_OR_OPTIONAL_END = new Set(
  (
    'area base br col embed hr img input link meta param source track wbr keygen ' +
    'p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp html head body'
  ).split(' '),
);
// `[^<>]` keeps the scan linear: with `[^>]`, `<a<a<a…` without a `>` made every `<` read to
// the end of the document (quadratic: a 1 MB feed summary took minutes). A `<` inside a quoted
// attribute then hides that tag from the count, which only makes the check more lenient.
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(\/?)>/g;

/**
 * Whether markup nests deeper than `max`, judged from its tags alone in one linear pass. The
 * HTML parsers (parse5, htmlparser2) take time quadratic in nesting depth: 200,000 nested
 * `<div>`s, 1 MB, block the process for minutes, so such a document is refused (pages) or
 * reduced without parsing (summaries). Tags whose end tag is optional are not counted, so
 * sloppy but real markup (`<li>` and `<p>` left open) never trips it.
 */
export function tooDeep(html: string, max = MAX_HTML_DEPTH): boolean {
  let depth = 0;
  for (const match of html.matchAll(TAG)) {
    if (match[3] === '/' || VOID_OR_OPTIONAL_END.has(match[2]!.toLowerCase())) continue;
    if (match[1] === '/') depth = Math.max(0, depth - 1);
    else if (++depth > max) return true;
  }
  return false;
}
