/**
 * @module The topic query language (docs/contract.md §2): a tokenizer with 1-based columns and a
 * recursive-descent parser producing a small tree.
 *
 *     query   := or
 *     or      := and ("OR" and)*
 *     and     := unary (["AND"] unary)*        adjacent terms are joined by an implied AND
 *     unary   := "NOT" unary | primary
 *     primary := term | "(" or ")"
 *     term    := [title:] ["="] (word | "phrase") | source:id | legislation:T/Y/N
 *
 * `=` asks for the word or phrase without stemming (`=commissioning` does not match
 * "Commission"). Typographic double quotes (“ ” „) quote phrases like `"`.
 * Operators are upper-case only (`and` is a word). Every query must be able to match through a
 * positive term: in each `OR` branch at least one term is not negated, so `NOT x` and
 * `a OR NOT b` are errors. A `source:` term is a positive filter: `source:lga-news` alone
 * matches everything that source publishes (a way to follow a whole sector feed).
 */
import { analyse, analyseExact } from './text.ts';

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

/** Words or a phrase, searched everywhere (`any`) or in the title only. */
export interface TextTerm {
  readonly kind: 'text';
  readonly field: 'any' | 'title';
  /** As written, without quotes, prefixed with `title:` for title terms (reported in matches). */
  readonly label: string;
  /**
   * Stems that must occur consecutively; one stem for a plain word. For an exact term (`=word`)
   * these are the unstemmed tokens as `analyseExact` gives them.
   */
  readonly stems: readonly string[];
  readonly exact: boolean;
  readonly column: number;
}

export interface SourceTerm {
  readonly kind: 'source';
  readonly id: string;
  readonly label: string;
  readonly column: number;
}

export interface LegislationTerm {
  readonly kind: 'legislation';
  /** `type/year/number`, lower-case. */
  readonly id: string;
  readonly label: string;
  readonly column: number;
}

export type QueryTerm = TextTerm | SourceTerm | LegislationTerm;

export type QueryNode =
  | QueryTerm
  | { readonly kind: 'and'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly child: QueryNode; readonly column: number };

type Token =
  | { type: 'and' | 'or' | 'not' | '(' | ')' | 'end'; column: number }
  | {
      type: 'term';
      column: number;
      field: string | null;
      value: string;
      quoted: boolean;
      exact: boolean;
    };

const FIELDS = ['title', 'source', 'legislation'] as const;
const FIELD_PREFIX = /^([A-Za-z][A-Za-z0-9_-]*):/;
const SOURCE_ID = /^[a-z0-9-]+$/;
const LEGISLATION_ID = /^([a-z]+)\/(\d{4})\/(\d+)$/i;
const OPERATORS: Record<string, 'and' | 'or' | 'not'> = { AND: 'and', OR: 'or', NOT: 'not' };
/** Straight and typographic double quotes; any of them opens or closes a phrase. */
const QUOTES = '"\u201c\u201d\u201e';
const isQuote = (char: string | undefined): boolean => char !== undefined && QUOTES.includes(char);

/** Splits a query into tokens; quotes and field prefixes are resolved here. */
export function tokenizeQuery(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const column = i + 1;
    if (char === '(' || char === ')') {
      tokens.push({ type: char, column });
      i++;
      continue;
    }
    let field: string | null = null;
    const prefix = FIELD_PREFIX.exec(text.slice(i));
    if (prefix) {
      field = prefix[1]!;
      if (!(FIELDS as readonly string[]).includes(field.toLowerCase())) {
        throw new QuerySyntaxError(
          `unknown field "${field}:" at column ${column} (expected title:, source: or legislation:)`,
          column,
        );
      }
      field = field.toLowerCase();
      i += prefix[0].length;
      expectTermAt(text, i, `"${field}:"`);
    }
    const exact = text[i] === '=';
    if (exact) {
      i++;
      expectTermAt(text, i, '"="');
    }
    if (isQuote(text[i])) {
      const open = i + 1;
      let close = i + 1;
      while (close < text.length && !isQuote(text[close])) close++;
      if (close >= text.length) throw new QuerySyntaxError(`unclosed quote opened at column ${open}`, open);
      tokens.push({ type: 'term', column, field, value: text.slice(i + 1, close), quoted: true, exact });
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < text.length && !/[\s()]/.test(text[end]!) && !isQuote(text[end])) end++;
    const value = text.slice(i, end);
    const operator = field === null && !exact ? OPERATORS[value] : undefined;
    tokens.push(
      operator ? { type: operator, column } : { type: 'term', column, field, value, quoted: false, exact },
    );
    i = end;
  }
  tokens.push({ type: 'end', column: text.length + 1 });
  return tokens;
}

function expectTermAt(text: string, index: number, after: string): void {
  const next = text[index];
  if (next === undefined || /[\s()]/.test(next)) {
    throw new QuerySyntaxError(
      `expected a word or "phrase" after ${after} at column ${index + 1}`,
      index + 1,
    );
  }
}

const SHOWN: Record<Token['type'], string> = {
  and: '"AND"',
  or: '"OR"',
  not: '"NOT"',
  '(': '"("',
  ')': '")"',
  end: 'the end',
  term: 'a term',
};

class Parser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private get current(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private get previous(): Token | undefined {
    return this.tokens[this.index - 1];
  }

  parse(): QueryNode {
    const node = this.or();
    const token = this.current;
    if (token.type === ')')
      throw new QuerySyntaxError(`unmatched ")" at column ${token.column}`, token.column);
    if (token.type !== 'end') {
      throw new QuerySyntaxError(`unexpected ${SHOWN[token.type]} at column ${token.column}`, token.column);
    }
    return node;
  }

  private or(): QueryNode {
    const children = [this.and()];
    while (this.current.type === 'or') {
      this.index++;
      children.push(this.and());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private and(): QueryNode {
    const children = [this.unary()];
    for (;;) {
      const type = this.current.type;
      if (type === 'and') this.index++;
      else if (type !== 'term' && type !== 'not' && type !== '(') break;
      children.push(this.unary());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private unary(): QueryNode {
    const token = this.current;
    if (token.type === 'not') {
      this.index++;
      return { kind: 'not', child: this.unary(), column: token.column };
    }
    return this.primary();
  }

  private primary(): QueryNode {
    const token = this.current;
    if (token.type === 'term') {
      this.index++;
      return termNode(token);
    }
    if (token.type === '(') {
      this.index++;
      const node = this.or();
      if (this.current.type !== ')') {
        throw new QuerySyntaxError(`expected ")" to close "(" at column ${token.column}`, token.column);
      }
      this.index++;
      return node;
    }
    throw this.missingTerm(token);
  }

  private missingTerm(token: Token): QuerySyntaxError {
    const before = this.previous;
    if (before && before.type !== 'term' && before.type !== ')') {
      return new QuerySyntaxError(
        `expected a term after ${SHOWN[before.type]} at column ${token.column}`,
        token.column,
      );
    }
    if (token.type === 'and' || token.type === 'or') {
      return new QuerySyntaxError(
        `expected a term before ${SHOWN[token.type]} at column ${token.column}`,
        token.column,
      );
    }
    if (token.type === ')')
      return new QuerySyntaxError(`unmatched ")" at column ${token.column}`, token.column);
    return new QuerySyntaxError(`expected a term at column ${token.column}`, token.column);
  }
}

function termNode(token: Extract<Token, { type: 'term' }>): QueryTerm {
  const { column, field, value } = token;
  if (field === 'source') {
    if (!SOURCE_ID.test(value)) {
      throw new QuerySyntaxError(
        `source: needs a source id made of a-z, 0-9 and "-" (column ${column})`,
        column,
      );
    }
    return { kind: 'source', id: value, label: `source:${value}`, column };
  }
  if (field === 'legislation') {
    const match = LEGISLATION_ID.exec(value.trim());
    if (!match) {
      throw new QuerySyntaxError(
        `legislation: needs TYPE/YEAR/NUMBER such as ukpga/2011/20 (column ${column})`,
        column,
      );
    }
    const id = `${match[1]!.toLowerCase()}/${match[2]}/${Number(match[3])}`;
    return { kind: 'legislation', id, label: `legislation:${id}`, column };
  }
  const exact = token.exact;
  const stems = exact ? analyseExact(value) : analyse(value);
  if (stems.length === 0) {
    const shown = token.quoted ? `"${value}"` : value;
    throw new QuerySyntaxError(
      `expected a word with letters or digits at column ${column}, found ${shown}`,
      column,
    );
  }
  const written = `${exact ? '=' : ''}${value.trim().replace(/\s+/g, ' ')}`;
  return field === 'title'
    ? { kind: 'text', field: 'title', label: `title:${written}`, stems, exact, column }
    : { kind: 'text', field: 'any', label: written, stems, exact, column };
}

/**
 * The part of the tree that could match with no positive term (docs/contract.md: a query needs one), or
 * null: a negation, an `AND` of negations only, or such an `OR` branch.
 */
function negativeOnly(node: QueryNode): QueryNode | null {
  switch (node.kind) {
    case 'not':
      return node;
    case 'and':
      return node.children.every((child) => negativeOnly(child) !== null) ? node : null;
    case 'or':
      for (const child of node.children) {
        const found = negativeOnly(child);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

/** First column of a node, for error messages. */
function columnOf(node: QueryNode): number {
  return node.kind === 'and' || node.kind === 'or' ? columnOf(node.children[0]!) : node.column;
}

/** Parses a query, throwing `QuerySyntaxError` with a 1-based column and what was expected. */
export function parseQuery(text: string): QueryNode {
  const root = new Parser(tokenizeQuery(text)).parse();
  const negative = negativeOnly(root);
  if (negative) {
    const column = columnOf(negative);
    throw new QuerySyntaxError(
      `expected a positive term at column ${column}: a query, and each "OR" branch, needs a term not negated by "NOT"`,
      column,
    );
  }
  return root;
}

/** Every term of the tree, in query order. */
export function queryTerms(node: QueryNode): QueryTerm[] {
  if (node.kind === 'and' || node.kind === 'or') return node.children.flatMap(queryTerms);
  if (node.kind === 'not') return queryTerms(node.child);
  return [node];
}

/** Every `source:` term with its column (config validation reports unknown ids). */
export function querySourceIds(query: QueryNode): { id: string; column: number }[] {
  return queryTerms(query)
    .filter((term): term is SourceTerm => term.kind === 'source')
    .map(({ id, column }) => ({ id, column }));
}

export interface QueryWarning {
  column: number;
  message: string;
}

const TWO_LETTERS = /^\p{L}{1,2}$/u;
const LOWER_OPERATORS = new Set(['and', 'or', 'not']);

/**
 * Things that parse but probably do not mean what the author thinks: a word starting with `-`
 * or `+` (no exclusion syntax: it is a word), lower-case `and`/`or`/`not` between terms (a word,
 * not an operator), a bare word of one or two letters (matches every such word, e.g. "PB" in
 * any text; write `=pb` or `"PB"` to say it is meant). The query must parse.
 */
export function queryWarnings(text: string): QueryWarning[] {
  const tokens = tokenizeQuery(text);
  const warnings: QueryWarning[] = [];
  tokens.forEach((token, index) => {
    if (token.type !== 'term' || token.quoted) return;
    const { value, column } = token;
    if (/^[-+]/.test(value)) {
      warnings.push({
        column,
        message: `"${value}" starts with "${value[0]}": it is searched as a word, not an exclusion or requirement (use NOT to exclude)`,
      });
      return;
    }
    if (token.exact || token.field !== null) return;
    const before = tokens[index - 1];
    const after = tokens[index + 1];
    const betweenTerms =
      before !== undefined &&
      (before.type === 'term' || before.type === ')') &&
      after !== undefined &&
      (after.type === 'term' || after.type === '(' || after.type === 'not');
    if (LOWER_OPERATORS.has(value) && betweenTerms) {
      warnings.push({
        column,
        message: `lower-case "${value}" is searched as a word; write ${value.toUpperCase()} for the operator`,
      });
    } else if (TWO_LETTERS.test(value)) {
      warnings.push({
        column,
        message: `"${value}" is a bare word of ${value.length === 1 ? 'one letter' : 'two letters'} and matches it anywhere; write ="${value}" or "${value}" if that is meant`,
      });
    }
  });
  return warnings;
}
