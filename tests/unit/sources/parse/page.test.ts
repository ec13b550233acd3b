import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { type PageSourceConfig, PageSourceSchema } from '#shared/config/schema.ts';
import { ParseError } from '#shared/sources/errors.ts';
import { nodeLines } from '#shared/sources/parse/html-text.ts';
import { parsePage } from '#shared/sources/parse/page.ts';
import { fixture } from '../../../support/fixture-server.ts';

const page = (extra: Record<string, unknown>): PageSourceConfig =>
  PageSourceSchema.parse({
    id: 'example',
    title: 'Example page',
    kind: 'page',
    url: 'https://example.net/news/',
    ...extra,
  });

describe('parsePage without items', () => {
  it('gives the region visible lines as one item titled with the source title', () => {
    const items = parsePage(
      fixture('page-region.html').toString(),
      page({ select: 'main' }),
      'https://example.net/news/',
    );
    expect(items).toEqual([
      {
        key: 'https://example.net/news/',
        title: 'Example page',
        url: 'https://example.net/news/',
        summary: '',
        content: [
          'Community rights',
          'The Localism Act 2011 introduced community rights.',
          'Community right to bid',
          'Community right to challenge',
          'Updated 20 November 2026.',
          'Contact us for advice.',
          'Right Since',
          'Bid 2012',
        ].join('\n'),
        publishedAt: null,
        updatedAt: null,
        links: ['https://example.net/news/'],
      },
    ]);
  });

  it('joins several regions in order and defaults to body', () => {
    const html = fixture('page-region.html').toString();
    const two = parsePage(html, page({ select: ['h1', 'aside'] }), 'https://example.net/');
    expect(two[0]?.content).toBe('Community rights\nSubscribe to our newsletter');
    const body = parsePage(html, page({}), 'https://example.net/');
    expect(body[0]?.content.split('\n')[0]).toBe('Home News');
    expect(body[0]?.content).not.toMatch(/analytics|not visible|Enable JavaScript|Template text|Hidden text/);
  });
});

describe('parsePage regions select what cheerio selects', () => {
  const html = `<!DOCTYPE html><html><head><title>T</title></head><body>
    <nav><a href="/">Home</a></nav>
    <main id="m"><h1>Heading</h1><p class="a">One</p><p>Two</p><table><tr><td>Cell</td></tr></table></main>
    <aside>Side</aside><footer><p>Foot</p></footer></body></html>`;
  // Each selector's lines as `cheerio.load(html)(selector)` gives them (the reading page.ts stands
  // for), or the failure when it gives nothing; a selector with markup cheerio reads as markup.
  it.each([
    'main',
    'body > main',
    '#m p',
    'p:first',
    'p:eq(1)',
    'main p:last',
    'tbody td',
    ':scope main',
    ':scope > body > main',
    'html body main h1, aside',
    'footer, main h1',
    '~ aside',
    '+ html',
    'p:not(.a)',
    'p[title="<b>x</b>"]',
    'MAIN',
    'body>main>p',
    'p + p',
    'h1 ~ p',
    'main p, aside',
    'main, > body',
    '[id=m] p.a',
    'nav a[href="/"]',
    'nav a[href^="https:"], aside',
    '*',
    'main >',
    ' main ',
  ])('%s', (selector) => {
    const expected = nodeLines(cheerio.load(html)(selector).toArray());
    const read = () => parsePage(html, page({ select: selector }), 'https://example.net/');
    if (expected.length === 0) expect(read).toThrow(ParseError);
    else expect(read()[0]?.content.split('\n')).toEqual(expected);
  });
});

describe('parsePage with items', () => {
  const html = fixture('page-items.html').toString();

  it('makes one item per element, keyed by its resolved link, else a hash of its title', () => {
    const source = page({
      select: 'main',
      items: { each: 'article', title: 'h2, h3', link: 'a', text: '.teaser' },
    });
    const items = parsePage(html, source, 'https://example.net/news/');
    expect(items.map((item) => [item.key, item.title, item.url, item.summary])).toEqual([
      [
        'https://example.net/news/participatory-budgeting-pilot',
        'Participatory budgeting pilot announced',
        'https://example.net/news/participatory-budgeting-pilot',
        'Five councils will trial participatory budgeting.',
      ],
      [
        'https://other.example.org/outsourcing',
        'Outsourcing inquiry opens',
        'https://other.example.org/outsourcing',
        'MPs examine outsourcing of charity services.',
      ],
      [
        createHash('sha256').update('Notice without a link').digest('hex'),
        'Notice without a link',
        'https://example.net/news/',
        'Our office is closed on Friday.',
      ],
      [
        'https://example.net/news/news/participatory-budgeting-pilot?ref=dup',
        'Relative link',
        'https://example.net/news/news/participatory-budgeting-pilot?ref=dup',
        '',
      ],
    ]);
  });

  it('defaults: first heading as title, first anchor as link, whole element as text', () => {
    const items = parsePage(html, page({ items: { each: 'article.news' } }), 'https://example.net/');
    expect(items[0]).toMatchObject({
      key: 'https://example.net/news/participatory-budgeting-pilot',
      title: 'Participatory budgeting pilot announced',
      summary:
        'Participatory budgeting pilot announced 23 November 2026 Five councils will trial participatory budgeting.',
    });
    expect(items).toHaveLength(4);
  });
});

describe('the tree selectors see is the one a browser builds (HTML parsing rules)', () => {
  // A lighter parser (htmlparser2) reads these differently: no implied <body> or <tbody>,
  // misnested tags kept as written. Selectors are written against a browser's tree.
  it.each([
    [
      'a page without <body> tags, default select',
      '<!doctype html><title>t</title><p>Hello<p>World',
      {},
      'Hello\nWorld',
    ],
    ['a table without <tbody>', '<table><tr><td>a<td>b</table>', { select: 'tbody tr' }, 'a b'],
    ['misnested formatting tags', '<main><p>a<b>b<p>c</b>d</main>', { select: 'main' }, 'ab\ncd'],
    [
      'text inside a table before its rows',
      '<main><table>x<tr><td>y</table></main>',
      { select: 'main' },
      'x\ny',
    ],
  ])('%s', (_name, html, select, content) => {
    expect(parsePage(html, page(select), 'https://example.net/')[0]?.content).toBe(content);
  });
});

describe('selectors that match nothing fail the source', () => {
  it.each([
    [{ select: '#gone' }, 'selector matched nothing: #gone'],
    [{ select: ['main', '.promo-gone'] }, 'selector matched nothing: .promo-gone'],
    [{ select: 'main', items: { each: 'li.card' } }, 'selector matched nothing: li.card'],
    [{ select: 'a[' }, /^invalid CSS selector "a\["/],
  ])('%j', (extra, message) => {
    expect(() =>
      parsePage(fixture('page-items.html').toString(), page(extra), 'https://example.net/'),
    ).toThrow(ParseError);
    expect(() =>
      parsePage(fixture('page-items.html').toString(), page(extra), 'https://example.net/'),
    ).toThrow(message);
  });
});
