import { describe, expect, it } from 'vitest';
import {
  legislationIdFromUri,
  legislationPageUrl,
  provisionPageUrl,
} from '#shared/sources/parse/legislation.ts';

describe('legislationIdFromUri', () => {
  it.each([
    ['http://www.legislation.gov.uk/id/ukpga/2011/20', 'ukpga/2011/20', 'ukpga', '2011', '20', ''],
    [
      'https://www.legislation.gov.uk/ukpga/2011/20/section/5',
      'ukpga/2011/20',
      'ukpga',
      '2011',
      '20',
      '/section/5',
    ],
    [
      'http://legislation.data.gov.uk/ukpga/2011/20/contents/data.xml',
      'ukpga/2011/20',
      'ukpga',
      '2011',
      '20',
      '/contents/data.xml',
    ],
    ['https://legislation.gov.uk/uksi/2015/1978/made', 'uksi/2015/1978', 'uksi', '2015', '1978', '/made'],
    [
      'http://www.legislation.gov.uk/id/ukpga/2018/12/part/3/chapter/4',
      'ukpga/2018/12',
      'ukpga',
      '2018',
      '12',
      '/part/3/chapter/4',
    ],
    [
      'https://www.legislation.gov.uk/ukpga/Eliz2/6-7/51',
      'ukpga/Eliz2/6-7/51',
      'ukpga',
      'Eliz2/6-7',
      '51',
      '',
    ],
    [
      'https://www.legislation.gov.uk/ukpga/Vict/44-45/58/section/1',
      'ukpga/Vict/44-45/58',
      'ukpga',
      'Vict/44-45',
      '58',
      '/section/1',
    ],
    [
      'http://www.legislation.gov.uk/id/ukdsi/2015/9780111140239',
      'ukdsi/2015/9780111140239',
      'ukdsi',
      '2015',
      '9780111140239',
      '',
    ],
    ['https://www.legislation.gov.uk/ukpga/2011/20/', 'ukpga/2011/20', 'ukpga', '2011', '20', ''],
  ])('%s → %s', (uri, id, type, year, number, rest) => {
    expect(legislationIdFromUri(uri)).toEqual({ id, type, year, number, rest });
  });

  it.each([
    'http://www.legislation.gov.uk/changes/affected/ukpga/2018/12/affecting/uksi/2026/386/key-x/modified/2026-09-25T14:19:14Z',
    'http://www.legislation.gov.uk/id/effect/key-d62f14bd679a7cb5512c218e6a2f18f5',
    'https://www.legislation.gov.uk/new/data.feed',
    'https://www.gov.uk/ukpga/2011/20',
    'https://www.legislation.gov.uk/ukpga/2011',
    'not a uri',
  ])('%s is not a piece of legislation', (uri) => {
    expect(legislationIdFromUri(uri)).toBeNull();
  });
});

describe('provisionPageUrl', () => {
  it.each([
    [
      'http://www.legislation.gov.uk/id/ukpga/2018/12/part/3/chapter/4/crossheading/general-obligations',
      'https://www.legislation.gov.uk/ukpga/2018/12/part/3/chapter/4/crossheading/general-obligations',
    ],
    [
      'http://legislation.data.gov.uk/ukpga/2011/20/section/5',
      'https://www.legislation.gov.uk/ukpga/2011/20/section/5',
    ],
    ['https://www.example.org/id/ukpga/2011/20', null],
  ])('%s → %s', (uri, page) => {
    expect(provisionPageUrl(uri)).toBe(page);
  });

  it('builds the page of a piece of legislation', () => {
    expect(legislationPageUrl('ukpga/2011/20')).toBe('https://www.legislation.gov.uk/ukpga/2011/20');
  });
});
