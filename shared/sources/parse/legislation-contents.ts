/**
 * @module A legislation.gov.uk table of contents (`/TYPE/YEAR/NUMBER/contents/data.xml`, CLML) to
 * the containment map citations need: which part and chapter hold each section or regulation.
 * CLML nests `Contents > ContentsPart > ContentsChapter > ContentsPblock (cross-heading) >
 * ContentsItem`; secondary legislation often has only `ContentsItem`s; schedules sit under
 * `ContentsSchedules`. The part and chapter are read from the elements' own `IdURI`s, since
 * a cross-heading's URI can leave out its part (`…/chapter/2/crossheading/…`).
 */
import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import { ParseError } from '../errors.ts';
import { decodeBody } from './decode.ts';
import { legislationIdFromUri } from './legislation.ts';
import { assertSafeXml } from './xml-safety.ts';

export interface LegislationContents {
  /** `ukpga/2011/20` */
  id: string;
  title: string | null;
  /** `section/81` → [`part/5`, `part/5/chapter/2`] */
  containers: Record<string, string[]>;
}

const CONTAINER = /^(part\/[0-9a-z]+(?:\/chapter\/[0-9a-z]+)?)$/;
const ITEM = /^((?:section|regulation|article|rule)\/[0-9a-z]+)$/;

function pathOf(uri: string | undefined): { id: string; path: string } | null {
  if (!uri) return null;
  const parsed = legislationIdFromUri(uri);
  if (!parsed) return null;
  return { id: parsed.id.toLowerCase(), path: parsed.rest.toLowerCase().replace(/^\//, '') };
}

/** Parses a contents document. Throws `ParseError` when it is not one. */
export function parseLegislationContents(body: Buffer, charset: string | null): LegislationContents {
  const { text } = decodeBody(body, 'xml', charset);
  assertSafeXml(text);
  const $ = cheerio.load(text, { xml: true });
  const root = $('Legislation').first();
  const contents = $('Contents').first();
  if (root.length === 0 || contents.length === 0) {
    throw new ParseError(
      'bad-shape',
      'not a legislation.gov.uk contents document (no <Legislation>/<Contents>)',
    );
  }
  const own = pathOf(root.attr('IdURI'));
  const title =
    $('dc\\:title').first().text().trim() || contents.children('ContentsTitle').first().text().trim();
  const containers: Record<string, string[]> = {};
  contents.find('ContentsItem').each((_, element) => {
    const item = pathOf($(element).attr('IdURI'));
    if (!item || !ITEM.test(item.path)) return;
    const held: string[] = [];
    for (const ancestor of $(element).parents('ContentsPart, ContentsChapter').toArray() as Element[]) {
      const container = pathOf($(ancestor).attr('IdURI'));
      if (container && CONTAINER.test(container.path)) held.push(container.path);
    }
    if (held.length > 0) containers[item.path] = [...new Set(held)].sort();
  });
  const id = own?.id ?? pathOf(contents.find('ContentsItem').first().attr('IdURI') ?? '')?.id;
  if (!id) throw new ParseError('bad-shape', 'contents document without an IdURI');
  return { id, title: title || null, containers };
}
