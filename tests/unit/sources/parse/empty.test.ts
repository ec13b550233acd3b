/**
 * An empty response or an empty watched region fails the source instead of reading as "every
 * item (or line) was removed": the stored version stays, so no alert lists everything as gone.
 */
import { describe, expect, it } from 'vitest';
import { SourceSchema } from '#shared/config/schema.ts';
import { ParseError } from '#shared/sources/errors.ts';
import { parseSourceBody } from '#shared/sources/parse/source-body.ts';

const meta = { contentType: null, charset: null, url: 'https://example.org/x' };
const sources = {
  feed: SourceSchema.parse({ id: 'f', kind: 'feed', url: 'https://example.org/x' }),
  search: SourceSchema.parse({ id: 's', kind: 'govuk-search', url: 'https://www.gov.uk/api/search.json' }),
  page: SourceSchema.parse({ id: 'p', kind: 'page', url: 'https://example.org/x' }),
  region: SourceSchema.parse({ id: 'r', kind: 'page', url: 'https://example.org/x', select: 'main' }),
};

describe('empty bodies and regions', () => {
  it.each([
    { name: 'feed, no bytes', source: sources.feed, body: '', code: 'empty' },
    { name: 'feed, whitespace and a BOM', source: sources.feed, body: '\uFEFF \n\t', code: 'empty' },
    { name: 'govuk-search, no bytes', source: sources.search, body: '', code: 'empty' },
    { name: 'page (select body), no bytes', source: sources.page, body: '', code: 'empty' },
    {
      name: 'page, a script-only shell',
      source: sources.page,
      body: '<!doctype html><html><body><div id="app"></div><script>boot()</script></body></html>',
      code: 'selector',
    },
    {
      name: 'page region without visible text',
      source: sources.region,
      body: '<html><body><main> <div></div><template>x</template> </main><p>Footer</p></body></html>',
      code: 'selector',
    },
  ])('$name fails with $code', async ({ source, body, code }) => {
    const failure = await parseSourceBody(source, Buffer.from(body), meta).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ParseError);
    expect((failure as ParseError).code).toBe(code);
    if (code === 'selector') expect((failure as ParseError).message).toMatch(/^selector matched nothing/);
  });

  it('still reads a region with text', async () => {
    const parsed = await parseSourceBody(sources.region, Buffer.from('<main><p>Hello</p></main>'), meta);
    expect(parsed.items[0]?.content).toBe('Hello');
  });
});
