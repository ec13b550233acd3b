import { describe, expect, it } from 'vitest';
import { configWarnings } from '#shared/config/rules.ts';
import { matchQuery } from '#shared/domain/match.ts';
import { parseQuery, QuerySyntaxError, queryWarnings } from '#shared/domain/query.ts';
import { britishSpelling, tokenize } from '#shared/domain/text.ts';
import type { ParsedItem } from '#shared/domain/types.ts';
import { makeItem } from '../../support/builders.ts';

function item(title: string, summary = ''): ParsedItem {
  return makeItem({ key: 'k', url: 'https://example.org/k', title, summary });
}

function matches(query: string, title: string, summary = ''): boolean {
  return matchQuery(query, { sourceId: 's', item: item(title, summary) }) !== null;
}

describe('exact words and phrases (=)', () => {
  it.each([
    ['=commissioning', 'Commissioning public services', true],
    ['=commissioning', 'Charity Commission annual report', false],
    ['commissioning', 'Charity Commission annual report', true],
    ['=Commissioning', 'COMMISSIONING of care', true],
    ['=meetings', 'Remote meetings of councils', true],
    ['=meetings', 'Council meets residents', false],
    ['=local', 'Localism in practice', false],
    ['=local', 'Local services', true],
    ['=cafe', 'A new Café opens', true],
    ['="public services"', 'Reform of public services', true],
    ['="public services"', 'Reform of public service delivery', false],
    ['"public services"', 'Reform of public service delivery', true],
    ['title:=meetings', 'Meetings guidance', true],
    ['title:=meetings', 'Guidance', false],
    ['title:="remote meetings"', 'Guidance on remote meetings', true],
    ['=councillors', "Councillors' allowances", true],
    ['=privatisation', 'Rail privatization', true],
  ])('%s on "%s" → %s', (query, title, expected) => {
    expect(matches(query, title)).toBe(expected);
  });

  it('title:= searches the title only', () => {
    expect(matches('title:=meetings', 'Guidance', 'about meetings')).toBe(false);
    expect(matches('=meetings', 'Guidance', 'about meetings')).toBe(true);
  });

  it('reports the term with its = in the matched terms', () => {
    expect(
      matchQuery('=meetings OR title:="remote meetings"', { sourceId: 's', item: item('Remote meetings') }),
    ).toEqual(['=meetings', 'title:=remote meetings']);
  });

  it.each([
    ['=', 2],
    ['= word', 2],
    ['title:=', 8],
    ['(=)', 3],
  ])('"%s" is an error at column %i', (query, column) => {
    try {
      parseQuery(query);
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(QuerySyntaxError);
      expect((error as QuerySyntaxError).column).toBe(column);
    }
  });

  it('=AND is a word, not an operator', () => {
    expect(matches('=AND', 'Fish and chips')).toBe(true);
  });
});

describe('British and American spellings are one word', () => {
  it.each([
    ['privatisation', 'Rail privatization', true],
    ['privatization', 'Rail privatisation', true],
    ['privatised', 'Services privatized in 2013', true],
    ['organise', 'Organizing a public meeting', true],
    ['"modernising local government"', 'Modernizing local government', true],
    ['analyse', 'We analyzed the results', true],
    ['paralysed', 'Paralyzed by cuts', true],
    ['=organisations', 'Organizations in the sector', true],
    ['prize', 'Prise it open', false],
    ['size', 'A sise', false],
  ])('%s on "%s" → %s', (query, title, expected) => {
    expect(matches(query, title)).toBe(expected);
  });

  it.each([
    ['privatization', 'privatisation'],
    ['organizations', 'organisations'],
    ['realizing', 'realising'],
    ['analyze', 'analyse'],
    ['size', 'size'],
    ['prize', 'prize'],
    ['seize', 'seize'],
    ['citizen', 'citizen'],
  ])('%s → %s', (token, expected) => {
    expect(britishSpelling(token)).toBe(expected);
  });
});

describe('typographic quotes and apostrophes', () => {
  it.each([
    ['\u201cpublic services\u201d', 'Reform of public services', true],
    ['\u201epublic services\u201c', 'Reform of public services', true],
    ['\u201cpublic services\u201d', 'Public and services', false],
    ['title:\u201cwomen\u2019s centre\u201d', "A women's centre opens", true],
    ['"women\'s centre"', 'A women\u2019s centre opens', true],
    ['=\u201cremote meetings\u201d', 'Remote meetings', true],
  ])('%s on "%s" → %s', (query, title, expected) => {
    expect(matches(query, title)).toBe(expected);
  });

  it('typographic apostrophes are apostrophes in document text too', () => {
    expect(tokenize('Members\u2019 allowances and women\u2018s groups')).toEqual(
      tokenize("Members' allowances and women's groups"),
    );
  });

  it('an unclosed typographic quote is an error at its column', () => {
    expect(() => parseQuery('a OR \u201cb c')).toThrow(/unclosed quote opened at column 6/);
  });
});

describe('query warnings', () => {
  it.each<[string, [number, RegExp][]]>([
    ['councillors -pension', [[13, /starts with "-"/]]],
    ['councillors +support', [[13, /starts with "\+"/]]],
    ['councillors and support', [[13, /lower-case "and"/]]],
    ['councillors or members', [[13, /lower-case "or"/]]],
    ['(councillors) not (pension)', [[15, /lower-case "not"/]]],
    ['PB AND budget', [[1, /two letters/]]],
    ['a', [[1, /one letter/]]],
    ['councillors AND NOT pension', []],
    ['"PB" OR =pb OR title:pb', []],
    ['"bread and butter"', []],
    ['and OR councillors', []],
    ['support and', []],
    ['"-x" OR 10', []],
    ['LSPs OR "local strategic partnership"', []],
  ])('%s', (query, expected) => {
    const warnings = queryWarnings(query);
    expect(warnings.map((warning) => warning.column)).toEqual(expected.map(([column]) => column));
    for (const [index, warning] of warnings.entries()) expect(warning.message).toMatch(expected[index]![1]);
  });

  it('configWarnings names the topic query path and column', () => {
    expect(
      configWarnings({
        topics: [
          { id: 'a', query: 'fine' },
          { id: 'b', query: 'x OR councillors' },
        ],
      }),
    ).toEqual([
      {
        path: 'topics[1].query',
        column: 1,
        message: expect.stringMatching(/^topic "b": "x" is a bare word/),
      },
    ]);
  });
});
