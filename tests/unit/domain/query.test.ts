import { describe, expect, it } from 'vitest';
import {
  parseQuery,
  QuerySyntaxError,
  querySourceIds,
  queryTerms,
  tokenizeQuery,
} from '#shared/domain/query.ts';

function errorOf(query: string): { message: string; column: number } {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { message: error.message, column: error.column };
    throw error;
  }
  throw new Error(`expected ${query} to fail`);
}

/** A compact rendering of the tree: precedence is visible in the brackets. */
function show(query: string): string {
  const render = (node: ReturnType<typeof parseQuery>): string => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${node.kind.toUpperCase()} ${node.children.map(render).join(' ')})`;
      case 'not':
        return `(NOT ${render(node.child)})`;
      default:
        return node.kind === 'text' ? `[${node.label}|${node.stems.join(' ')}]` : `[${node.label}]`;
    }
  };
  return render(parseQuery(query));
}

describe('tokenizeQuery', () => {
  it('gives 1-based columns and recognises upper-case operators only', () => {
    const tokens = tokenizeQuery('a AND (b or "c d") NOT title:e');
    expect(tokens.map((token) => [token.type, token.column])).toEqual([
      ['term', 1],
      ['and', 3],
      ['(', 7],
      ['term', 8],
      ['term', 10],
      ['term', 13],
      [')', 18],
      ['not', 20],
      ['term', 24],
      ['end', 31],
    ]);
  });
});

describe('parseQuery precedence and terms', () => {
  it.each([
    ['localism', '[localism|local]'],
    ['a b', '(AND [a|a] [b|b])'],
    ['a AND b OR c', '(OR (AND [a|a] [b|b]) [c|c])'],
    ['a OR b c', '(OR [a|a] (AND [b|b] [c|c]))'],
    ['a OR b AND NOT c', '(OR [a|a] (AND [b|b] (NOT [c|c])))'],
    ['(a OR b) c', '(AND (OR [a|a] [b|b]) [c|c])'],
    ['a and b', '(AND [a|a] [and|and] [b|b])'],
    ['a or b', '(AND [a|a] [or|or] [b|b])'],
    ['"Local Strategic Partnerships"', '[Local Strategic Partnerships|local strateg partnership]'],
    ['title:Councillors', '[title:Councillors|councillor]'],
    ['title:"code of conduct"', '[title:code of conduct|code of conduct]'],
    ['TITLE:x', '[title:x|x]'],
    ['source:lga-news councillor', '(AND [source:lga-news] [councillor|councillor])'],
    ['legislation:UKPGA/2011/20', '[legislation:ukpga/2011/20]'],
    ['co-operative', '[co-operative|co oper]'],
    ['Café', '[Café|cafe]'],
    ['councillors’', '[councillors’|councillor]'],
    ['source:lga-news', '[source:lga-news]'],
    ['a (b OR NOT c)', '(AND [a|a] (OR [b|b] (NOT [c|c])))'],
  ])('%s → %s', (query, expected) => {
    expect(show(query)).toBe(expected);
  });
});

describe('parseQuery errors', () => {
  it.each([
    ['', 'expected a term at column 1', 1],
    ['   ', 'expected a term at column 4', 4],
    ['localism AND', 'expected a term after "AND" at column 13', 13],
    ['localism AND OR x', 'expected a term after "AND" at column 14', 14],
    ['OR x', 'expected a term before "OR" at column 1', 1],
    ['x OR', 'expected a term after "OR" at column 5', 5],
    ['x NOT', 'expected a term after "NOT" at column 6', 6],
    ['abc "def', 'unclosed quote opened at column 5', 5],
    ['title:"def', 'unclosed quote opened at column 7', 7],
    ['a OR b) c', 'unmatched ")" at column 7', 7],
    [') a', 'unmatched ")" at column 1', 1],
    ['a (b OR c', 'expected ")" to close "(" at column 3', 3],
    ['a ()', 'expected a term after "(" at column 4', 4],
    ['titel:x', 'unknown field "titel:" at column 1 (expected title:, source: or legislation:)', 1],
    ['x body:"a b"', 'unknown field "body:" at column 3 (expected title:, source: or legislation:)', 3],
    ['title: x', 'expected a word or "phrase" after "title:" at column 7', 7],
    ['legislation:ukpga/2011', 'legislation: needs TYPE/YEAR/NUMBER such as ukpga/2011/20 (column 1)', 1],
    ['x legislation:2011/20', 'legislation: needs TYPE/YEAR/NUMBER such as ukpga/2011/20 (column 3)', 3],
    ['source:LGA', 'source: needs a source id made of a-z, 0-9 and "-" (column 1)', 1],
    ['"..."', 'expected a word with letters or digits at column 1, found "..."', 1],
    ['NOT x', 'expected a positive term at column 1', 1],
    ['NOT x NOT y', 'expected a positive term at column 1', 1],
    ['a OR NOT b', 'expected a positive term at column 6', 6],
    ['a OR (NOT b OR c)', 'expected a positive term at column 7', 7],
  ])('%j fails: %s', (query, message, column) => {
    const error = errorOf(query);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.column).toBe(column);
  });
});

describe('querySourceIds and queryTerms', () => {
  it('lists every source: term with its column, negated or not', () => {
    const query = parseQuery('councillor source:lga-news OR (scrutiny NOT source:ncvo-policy)');
    expect(querySourceIds(query)).toEqual([
      { id: 'lga-news', column: 12 },
      { id: 'ncvo-policy', column: 45 },
    ]);
    expect(queryTerms(query).map((term) => term.label)).toEqual([
      'councillor',
      'source:lga-news',
      'scrutiny',
      'source:ncvo-policy',
    ]);
  });
});
