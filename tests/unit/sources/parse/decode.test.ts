import { describe, expect, it } from 'vitest';
import { SourceSchema } from '#shared/config/schema.ts';
import { ParseError } from '#shared/sources/errors.ts';
import { decodeBody } from '#shared/sources/parse/decode.ts';
import { ACCEPT_HEADER, ACCEPT_TYPES, parseSourceBody } from '#shared/sources/parse/source-body.ts';
import { makeSource, pageSourceEntry } from '../../../support/builders.ts';
import { fixture } from '../../../support/fixture-server.ts';

const cp1252 = fixture('rss-windows-1252.xml');
const undeclared = Buffer.from(cp1252.toString('latin1').replace(' encoding="windows-1252"', ''), 'latin1');
const utf16 = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('<?xml version="1.0"?><rss>é</rss>', 'utf16le'),
]);

describe('decodeBody: HTTP charset > BOM > XML declaration > meta > UTF-8', () => {
  it.each([
    ['declared windows-1252 in the XML declaration', cp1252, 'xml', null, 'windows-1252', 'xml-declaration'],
    ['undeclared windows-1252 bytes (not valid UTF-8)', undeclared, 'xml', null, 'windows-1252', 'fallback'],
    [
      'HTTP charset over the XML declaration',
      Buffer.from('<?xml version="1.0" encoding="utf-8"?><a>\u00e9</a>', 'latin1'),
      'xml',
      'iso-8859-1',
      'windows-1252',
      'http',
    ],
    ['a UTF-16 BOM', utf16, 'xml', null, 'utf-16le', 'bom'],
    [
      'a UTF-8 BOM over a contrary declaration',
      Buffer.from('\uFEFF<?xml version="1.0" encoding="windows-1252"?><a>é</a>'),
      'xml',
      null,
      'utf-8',
      'bom',
    ],
    [
      'an HTML meta charset',
      Buffer.from('<html><head><meta charset="windows-1252"></head><body>\u00e9</body></html>', 'latin1'),
      'html',
      null,
      'windows-1252',
      'meta',
    ],
    [
      'an HTML http-equiv charset',
      Buffer.from(
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>\u00e9</p>',
        'latin1',
      ),
      'html',
      null,
      'windows-1252',
      'meta',
    ],
    ['nothing: UTF-8', Buffer.from('<a>é</a>'), 'xml', null, 'utf-8', 'default'],
  ] as const)('%s', (_name, body, kind, charset, encoding, from) => {
    const decoded = decodeBody(body, kind, charset);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.from).toBe(from);
    expect(decoded.text).toMatch(/é|“Smart”/);
  });

  it('decodes windows-1252 punctuation exactly', () => {
    expect(decodeBody(cp1252, 'xml', null).text).toContain('“Smart” quotes cost £5 – café');
  });

  it('fails on an unknown charset, naming where it came from', () => {
    expect(() => decodeBody(Buffer.from('x'), 'xml', 'x-klingon')).toThrow(
      new ParseError('encoding', 'unknown character encoding "x-klingon" declared by the HTTP Content-Type'),
    );
    expect(() =>
      decodeBody(Buffer.from('<?xml version="1.0" encoding="ebcdic-xx"?><a/>'), 'xml', null),
    ).toThrow('unknown character encoding "ebcdic-xx" declared by the xml-declaration');
  });
});

describe('parseSourceBody', () => {
  const feed = makeSource({ id: 'f', url: 'https://example.org/feed' });
  const search = makeSource({ id: 's', kind: 'govuk-search', url: 'https://www.gov.uk/api/search.json?q=x' });
  const pageSource = SourceSchema.parse(pageSourceEntry({ id: 'p', url: 'https://example.org/' }));
  const meta = (contentType: string | null, charset: string | null = null) => ({
    contentType,
    charset,
    url: 'https://example.org/feed',
  });

  it.each([
    ['declared', cp1252],
    ['undeclared', undeclared],
  ])('reads a windows-1252 feed (%s)', async (_name, body) => {
    const parsed = await parseSourceBody(feed, body, meta('application/rss+xml'));
    expect(parsed.title).toBe('Café news');
    expect(parsed.items[0]?.title).toBe('“Smart” quotes cost £5 – café');
    expect(parsed.items[0]?.summary).toBe('Naïve résumé');
    expect(parsed.encoding).toBe('windows-1252');
  });

  it('refuses an HTML page where a feed is expected', async () => {
    const html = Buffer.from(
      '<!DOCTYPE html>\n<html><head><title>Home</title></head><body>Welcome</body></html>',
    );
    await expect(parseSourceBody(feed, html, meta('application/xml'))).rejects.toThrow(
      new ParseError('html-instead-of-feed', 'expected a feed but got an HTML page'),
    );
  });

  it('fails an entity bomb before parsing', async () => {
    const before = process.memoryUsage().heapUsed;
    await expect(
      parseSourceBody(feed, fixture('xml-entity-bomb.xml'), meta('application/xml')),
    ).rejects.toThrow(/^XML entity declarations are not allowed/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('dispatches govuk-search and page sources', async () => {
    const results = await parseSourceBody(
      search,
      fixture('govuk-search-api-search-json-q-tax.json'),
      meta('application/json'),
    );
    expect(results.items.map((item) => item.key)).toEqual(['https://www.gov.uk/vehicle-tax']);
    const region = await parseSourceBody(pageSource, fixture('page-region.html'), meta('text/html', 'utf-8'));
    expect(region.items[0]?.content.split('\n')[0]).toBe('Community rights');
    await expect(
      parseSourceBody(pageSource, Buffer.from('<p>no main</p>'), meta('text/html')),
    ).rejects.toThrow('selector matched nothing: main');
  });

  it('offers Accept headers and types per kind', () => {
    expect(ACCEPT_TYPES.feed).toContain('application/atom+xml');
    expect(ACCEPT_TYPES.feed).not.toContain('text/html');
    expect(ACCEPT_TYPES['govuk-search']).toEqual(['application/json', 'text/json']);
    expect(ACCEPT_TYPES.page).toEqual(['text/html', 'application/xhtml+xml']);
    expect(ACCEPT_HEADER.feed).toMatch(/^application\/atom\+xml, application\/rss\+xml/);
  });
});
