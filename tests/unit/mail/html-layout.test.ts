import { jsx } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { Footer, Lines, Link, renderHtml } from '#shared/mail/html-layout.tsx';

const LINK_STYLE = 'style="color:#1d70b8"';

describe('Lines', () => {
  it.each([
    { children: ['a', 'b'], block: false, html: 'a\nb' },
    { children: ['a', 'b'], block: true, html: '\na\nb\n' },
    { children: ['a', ['b', ['c']]], block: false, html: 'a\nb\nc' },
    // Nothing takes no line.
    { children: ['a', null, false, '', undefined, 'b'], block: false, html: 'a\nb' },
    { children: ['<b>&'], block: false, html: '&lt;b&gt;&amp;' },
  ])('$children (block: $block)', ({ children, block, html }) => {
    // As <Lines block={block}>{children}</Lines> in a .tsx file.
    expect(jsx(Lines, { block }, ...children).toString()).toBe(html);
  });
});

describe('Link', () => {
  it.each([
    {
      href: 'https://example.org/?a=1&b="2"',
      text: 'A & B',
      html: `<a href="https://example.org/?a=1&amp;b=%222%22" ${LINK_STYLE}>A &amp; B</a>`,
    },
    { href: 'javascript:alert(1)', text: '<script>x</script>', html: '&lt;script&gt;x&lt;/script&gt;' },
    { href: 'data:text/html,<b>', text: 'Data', html: 'Data' },
    { href: 'https://user:pw@example.org/', text: 'Creds', html: 'Creds' },
    { href: null, text: 'Two\r\nlines', html: 'Two lines' },
  ])('$href', ({ href, text, html }) => {
    expect(renderHtml(Link({ href, children: text }))).toBe(html);
  });
});

describe('Footer', () => {
  const footer = (contact: string) =>
    renderHtml(
      Footer({
        organisation: 'Org',
        contact,
        topicTitles: ['Housing'],
        frequency: 'weekly',
        manageUrl: 'http://h/manage?token=M',
        unsubscribeUrl: 'javascript:alert(1)',
      }),
    );

  it.each([
    {
      contact: 'policy@example.org',
      html: `<a href="mailto:policy@example.org" ${LINK_STYLE}>policy@example.org</a>`,
    },
    { contact: 'Call "us" <0123>', html: 'Questions: Call &quot;us&quot; &lt;0123&gt;</p>' },
  ])('contact $contact', ({ contact, html }) => {
    expect(footer(contact)).toContain(html);
  });

  it('links only http(s) addresses', () => {
    expect(footer('x')).toContain(
      `<a href="http://h/manage?token=M" ${LINK_STYLE}>Change topics or frequency</a> · Unsubscribe</p>`,
    );
  });
});
