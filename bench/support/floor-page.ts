/**
 * @module A page region's lines for the poll floor (floor-poll.ts): parse5 with the tree adapter
 * cheerio uses, the region selected with cheerio-select, its visible lines read as policy-watch
 * reads them (shared/sources/parse/html-text.ts). No checks, no cheerio wrapper.
 */
import { select } from 'cheerio-select';
import { isTag } from 'domhandler';
import { parse } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { nodeLines } from '../../shared/sources/parse/html-text.ts';

export function regionLines(html: string, selector: string): string[] {
  const document = parse(html, { treeAdapter: adapter, scriptingEnabled: true });
  return nodeLines(select(selector, document.children.filter(isTag)));
}
