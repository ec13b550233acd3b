import { describe, expect, it } from 'vitest';
import { isHttpUrl, parseHttpUrl } from '#shared/domain/urls.ts';

describe('parseHttpUrl / isHttpUrl', () => {
  it.each([
    ['https://www.legislation.gov.uk/ukpga/2011/20', 'https://www.legislation.gov.uk/ukpga/2011/20'],
    ['http://example.org', 'http://example.org/'],
    ['HTTPS://EXAMPLE.ORG/a b', 'https://example.org/a%20b'],
    ['https://user:pw@example.org/', 'https://user:pw@example.org/'],
    ['javascript:alert(1)', null],
    ['data:text/html,<script>', null],
    ['mailto:policy@example.org', null],
    ['ftp://example.org/file', null],
    ['/relative/path', null],
    ['example.org', null],
    ['', null],
    ['http://', null],
  ])('%j → %j', (input, expected) => {
    expect(parseHttpUrl(input)?.href ?? null).toBe(expected);
    expect(isHttpUrl(input)).toBe(expected !== null);
  });
});
