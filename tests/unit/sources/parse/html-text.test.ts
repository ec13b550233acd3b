/**
 * HTML nested deeper than any browser renders is never handed to the parsers, whose time grows
 * with the square of the depth (a 1 MB page of nested `<div>`s would block the process for
 * minutes): a page fails, a feed summary is reduced to its text without parsing.
 */
import { describe, expect, it } from 'vitest';
import { PageSourceSchema } from '#shared/config/schema.ts';
import { ParseError } from '#shared/sources/errors.ts';
import { htmlToText, MAX_HTML_DEPTH, tooDeep } from '#shared/sources/parse/html-text.ts';
import { parsePage } from '#shared/sources/parse/page.ts';

const nested = (depth: number, tag = 'div') => `${`<${tag}>`.repeat(depth)}x${`</${tag}>`.repeat(depth)}`;

describe('tooDeep', () => {
  it.each([
    { name: `${MAX_HTML_DEPTH} nested divs`, html: nested(MAX_HTML_DEPTH), want: false },
    { name: `${MAX_HTML_DEPTH + 1} nested divs`, html: nested(MAX_HTML_DEPTH + 1), want: true },
    { name: 'unclosed formatting tags', html: '<b>x'.repeat(MAX_HTML_DEPTH + 1), want: true },
    { name: '10,000 closed siblings', html: '<div>x</div>'.repeat(10_000), want: false },
    { name: '10,000 <li> left open', html: `<ul>${'<li>x'.repeat(10_000)}</ul>`, want: false },
    { name: '10,000 <p> and <br> left open', html: '<p>x<br>'.repeat(10_000), want: false },
    {
      name: 'table rows and cells left open',
      html: `<table>${'<tr><td>x'.repeat(10_000)}</table>`,
      want: false,
    },
    { name: 'self-closing tags', html: '<div/><img src="a.png"/>'.repeat(10_000), want: false },
    { name: 'plain text', html: 'a < b and c > d', want: false },
  ])('$name → $want', ({ html, want }) => {
    expect(tooDeep(html)).toBe(want);
  });
});

describe('htmlToText (feed summaries, htmlparser2): one line of text, as a browser shows it', () => {
  it.each([
    ['<p>One<p>Two</p>', 'One Two'],
    ['<b>bold <i>both</b> italic</i> tail', 'bold both italic tail'],
    ['<table><tr><td>a</td><td>b</td></tr></table>', 'a b'],
    [
      'A &amp B &amp; C &copy 2026 &notin; &lt;tag&gt; &#39;q&#39; &#x2019;',
      "A & B & C © 2026 ∉ <tag> 'q' ’",
    ],
    ['line<br>break<br/>again', 'line break again'],
    ['<script>alert(1)</script>after', 'after'],
    ['<style>p{}</style>text', 'text'],
    ['x<!-- comment -->y', 'xy'],
    ['<ul><li>one<li>two</ul>', 'one two'],
    ['<div title="a>b">text</div>', 'text'],
    ['<P>upper</P>', 'upper'],
    ['&nbsp;spaced&nbsp;', 'spaced'],
    ['AT&T and plain & simple', 'AT&T and plain & simple'],
    ['<a href="x">link</a> and <img alt="pic" src="y">', 'link and'],
    ['<p><div>inner</div></p>', 'inner'],
    ['<dl><dt>t<dd>d</dl>', 't d'],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('deep documents', () => {
  const source = PageSourceSchema.parse({ id: 'p', kind: 'page', url: 'https://example.org/' });

  it('fails a page nested deeper than browsers render', () => {
    const html = `<html><body><main>${nested(MAX_HTML_DEPTH + 100)}</main></body></html>`;
    const failure = (() => {
      try {
        parsePage(html, source, 'https://example.org/');
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ParseError);
    expect((failure as ParseError).message).toMatch(/nests elements more than 512 deep/);
  });

  it('still reads a deep but renderable page', () => {
    const html = `<html><body>${nested(200)}</body></html>`;
    expect(parsePage(html, source, 'https://example.org/')[0]?.content).toBe('x');
  });

  // Both inputs took minutes when the tag patterns read past the next `<` (quadratic time);
  // they finish at once now, well within the test timeout.
  it('scans a long run of unclosed tags in linear time', () => {
    expect(tooDeep('<a'.repeat(300_000))).toBe(false);
  });

  it('reduces a deep summary with a long tail of bare `<` without quadratic time', () => {
    const html = `${'<div>'.repeat(MAX_HTML_DEPTH + 1)}x${'<'.repeat(600_000)}`;
    expect(htmlToText(html)).toBe(`x${'<'.repeat(600_000)}`);
  });

  it('reduces a deep summary to its text without parsing it', () => {
    expect(htmlToText(`<p>Lead</p>${nested(50_000, 'span')}<p>end</p>`)).toBe('Lead x end');
  });
});
