/**
 * @module A feed's entries for the poll floor (floor-poll.ts): rss-parser with its defaults, and a
 * version per entry (sha256 of its title, text and dates). No renaming of namespaced elements, no
 * text extraction from HTML, no effects or metadata, no whitespace canonicalisation.
 */
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';

const parser = new Parser();

export async function feedEntries(xml: string): Promise<{ key: string; version: string }[]> {
  const feed = await parser.parseString(xml);
  return feed.items.map((item) => {
    const key = String(item.id ?? item.guid ?? item.link ?? item.title ?? '');
    const content = [item.title, item.content, item.contentSnippet, item.isoDate, item.pubDate];
    const version = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22);
    return { key, version };
  });
}
