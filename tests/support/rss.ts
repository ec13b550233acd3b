/** @module Tiny RSS 2.0 documents for tests. */

export const rssOf = (items: string[], extra = '') =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>${extra}${items.join('')}</channel></rss>`;
export const item = (
  guid: string,
  title: string,
  description = 'Housing news.',
  link = `https://example.org/${guid}`,
) =>
  `<item><guid>${guid}</guid><title>${title}</title><link>${link}</link><pubDate>Wed, 30 Sep 2026 10:00:00 GMT</pubDate><description>${description}</description></item>`;
