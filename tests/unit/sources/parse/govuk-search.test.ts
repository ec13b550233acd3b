import { describe, expect, it } from 'vitest';
import { ParseError } from '#shared/sources/errors.ts';
import { parseGovukSearch } from '#shared/sources/parse/govuk-search.ts';
import { fixture } from '../../../support/fixture-server.ts';

const SOURCE = 'https://www.gov.uk/api/search.json?q=tax&order=-public_timestamp';

describe('parseGovukSearch', () => {
  it('reads the real search.json response', () => {
    const items = parseGovukSearch(fixture('govuk-search-api-search-json-q-tax.json').toString(), SOURCE);
    expect(items).toEqual([
      {
        key: 'https://www.gov.uk/vehicle-tax',
        title: 'Tax your vehicle',
        url: 'https://www.gov.uk/vehicle-tax',
        summary:
          "Renew or tax your vehicle for the first time using a reminder letter, your log book or the green 'new keeper' slip - and how to tax if you do not have any documents",
        content: '',
        publishedAt: null,
        updatedAt: '2017-12-07T12:54:39.000Z',
        links: ['https://www.gov.uk/vehicle-tax'],
        meta: { organisations: ['Driver and Vehicle Licensing Agency'], documentType: 'transaction' },
      },
    ]);
  });

  it('prefers content_store_document_type, keeps absolute links, and skips duplicates', () => {
    const json = JSON.stringify({
      results: [
        {
          link: '/guidance/a',
          title: 'A',
          content_store_document_type: 'guidance',
          format: 'detailed_guide',
          public_timestamp: '2026-11-20T10:00:00.000+00:00',
          organisations: [{ slug: 'cabinet-office' }],
        },
        { link: 'https://www.nhs.uk/b', title: 'B', description: null },
        { link: '/guidance/a', title: 'A again' },
      ],
    });
    const items = parseGovukSearch(json, SOURCE);
    expect(items.map((item) => [item.key, item.meta, item.updatedAt])).toEqual([
      [
        'https://www.gov.uk/guidance/a',
        { organisations: ['cabinet-office'], documentType: 'guidance' },
        '2026-11-20T10:00:00.000Z',
      ],
      ['https://www.nhs.uk/b', undefined, null],
    ]);
  });

  it.each([
    [
      'the 422 error body',
      fixture('govuk-search-error-422.json').toString(),
      /^GOV\.UK search returned an error: "Invalid value/,
    ],
    [
      'a Content API item',
      fixture('govuk-content-api-consultation-open.json').toString(),
      /^not GOV\.UK search results: results: /,
    ],
    [
      'another Content API item',
      fixture('govuk-content-api-publication-policy-paper.json').toString(),
      /^not GOV\.UK search results: results: /,
    ],
    [
      'a result without a link',
      '{"results":[{"title":"x"}]}',
      /^not GOV\.UK search results: results\.0\.link: /,
    ],
    ['not JSON', '<html></html>', /^not GOV\.UK search JSON: /],
  ])('fails on %s', (_name, body, message) => {
    let caught: unknown;
    try {
      parseGovukSearch(body, SOURCE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ParseError);
    expect((caught as ParseError).message).toMatch(message);
  });
});
