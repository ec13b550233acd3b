import { describe, expect, it } from 'vitest';
import { SourceSchema } from '#shared/config/schema.ts';
import type { ParsedItem } from '#shared/domain/types.ts';
import { contentApiUrl } from '#shared/services/govuk-content.ts';
import { makeSource } from '../../support/builders.ts';

const search = makeSource({
  id: 'govuk',
  kind: 'govuk-search',
  url: 'https://www.gov.uk/api/search.json?q=localism',
});
const mirror = makeSource({
  id: 'mirror',
  kind: 'govuk-search',
  url: 'http://127.0.0.1:8080/api/search.json',
  allowPrivateNetwork: true,
});
const feed = SourceSchema.parse({ id: 'news', kind: 'feed', url: 'https://example.org/feed.xml' });

const item = (url: string): ParsedItem => ({
  key: url,
  title: 't',
  url,
  summary: '',
  content: '',
  publishedAt: null,
  updatedAt: null,
  links: [url],
});

describe('contentApiUrl: only GOV.UK itself or the search source’s own origin is asked', () => {
  it.each([
    ['a GOV.UK page', search, 'https://www.gov.uk/guidance/a', 'https://www.gov.uk/api/content/guidance/a'],
    [
      'a GOV.UK page from a feed',
      feed,
      'https://www.gov.uk/guidance/a',
      'https://www.gov.uk/api/content/guidance/a',
    ],
    [
      'GOV.UK over http is asked over https',
      feed,
      'http://www.gov.uk/guidance/a',
      'https://www.gov.uk/api/content/guidance/a',
    ],
    [
      'GOV.UK on another port',
      search,
      'https://www.gov.uk:8443/guidance/a',
      'https://www.gov.uk/api/content/guidance/a',
    ],
    [
      'the mirror’s own item',
      mirror,
      'http://127.0.0.1:8080/guidance/a',
      'http://127.0.0.1:8080/api/content/guidance/a',
    ],
    ['a search result on another host', search, 'https://evil.example/guidance/a', null],
    ['a search result on an internal address', search, 'http://169.254.169.254/latest/meta-data', null],
    ['a mirror result on another internal host', mirror, 'http://10.0.0.5/guidance/a', null],
    ['a mirror result on another port', mirror, 'http://127.0.0.1:9200/_cat/indices', null],
    ['a feed item elsewhere', feed, 'https://example.org/guidance/a', null],
    ['the home page', search, 'https://www.gov.uk/', null],
    ['an API path', search, 'https://www.gov.uk/api/search.json', null],
    ['not http', search, 'ftp://www.gov.uk/guidance/a', null],
  ])('%s', (_name, source, url, expected) => {
    expect(contentApiUrl(item(url), source)).toBe(expected);
  });
});
