/**
 * @module Text analysis for the query language (docs/contract.md §2): Unicode normalisation, tokens and
 * Snowball English (Porter2) stems. No stopwords are dropped, so phrases keep every word.
 * Also the one whitespace collapse every layer uses. Pure; the only state is a bounded memo of stems.
 */
import stemWord from 'wink-porter2-stemmer';

// Letters and digits make tokens; an apostrophe inside a token is kept so Porter2's step 0
// turns "women's" and "members'" into "women" and "member".
const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]*)*/gu;
const MARKS = /\p{M}+/gu;
const APOSTROPHES = /[\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032]/g;

// Text that collapse would leave as it is: no whitespace but single spaces between words. Most
// lines of a page already are, and testing costs less than rebuilding them (collapse runs a few
// times on every line of every page, and on every text a poll reads).
const UNCOLLAPSED = /^\s|\s$|\s\s|[^\S ]/;

/** Every run of whitespace made one space, ends trimmed. */
export function collapse(text: string): string {
  if (!UNCOLLAPSED.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim();
}

/** Accent-free, lower-case text with curly apostrophes made straight. */
export function normalise(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, "'");
}

// British and American spellings are one word: -ize/-ise, -ization/-isation, -yze/-yse and
// their inflections are written the British way before stemming (and in exact terms). Three
// letters at least before "iz" so "size", "prize" or "seize" stay as they are.
const IZE = /^(\p{L}{3,})iz(e|es|ed|ing|er|ers|ation|ations|ational|able)$/u;
const YZE = /^(\p{L}{2,})yz(e|es|ed|ing|er|ers)$/u;

/** One normalised token with American -ize/-yze spellings made British. */
export function britishSpelling(token: string): string {
  return token.replace(IZE, '$1is$2').replace(YZE, '$1ys$2');
}

/** The tokens of a text after normalisation (punctuation breaks tokens, spellings unified). */
export function tokenize(text: string): string[] {
  return (normalise(text).match(TOKEN) ?? []).map(britishSpelling);
}

// Vocabularies are small (tens of thousands of words), but a hostile page could feed
// millions of distinct strings: the memo is cleared rather than allowed to grow unbounded.
const MEMO_LIMIT = 100_000;
const memo = new Map<string, string>();

/**
 * Longest token stemmed. Porter2's implementation is quadratic in the word's length (a
 * 100,000-letter "word" took a minute), and no English word is near this: a longer token is
 * cut to its first `MAX_STEMMED_LENGTH` characters and kept unstemmed. Queries go through the
 * same rule, so a long query word still matches the same long word in a document.
 */
export const MAX_STEMMED_LENGTH = 64;

/** Porter2 stem of one normalised token, computed once per distinct token. */
export function stem(token: string): string {
  if (token.length > MAX_STEMMED_LENGTH) {
    const cut = token.slice(0, MAX_STEMMED_LENGTH);
    // Never leave half a surrogate pair at the cut.
    return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  }
  let stemmed = memo.get(token);
  if (stemmed === undefined) {
    // Digits-only tokens (years, section numbers) are left as they are.
    stemmed = /^\d+$/.test(token) ? token : stemWord(token);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(token, stemmed);
  }
  return stemmed;
}

/** The stems of a text, in order. */
export function analyse(text: string): string[] {
  return tokenize(text).map(stem);
}

/**
 * The unstemmed tokens of a text, in order, marked so they never equal a stem: exact terms
 * (`=word`) and stemmed terms share one index.
 */
export function analyseExact(text: string): string[] {
  return tokenize(text).map(exactKey);
}

/** A possessive ending is punctuation, not part of an exact word: "councillors'" is "councillors". */
function exactKey(token: string): string {
  return `=${token.replace(/'(s'?)?$/, '')}`;
}

/**
 * A searchable view of some texts: one token stream (texts separated by a gap so a phrase never
 * spans two fields or lines) with the positions of every stem.
 */
export class TextIndex {
  private readonly positions = new Map<string, number[]>();
  private readonly stems: string[] = [];
  private readonly exact: string[] = [];

  constructor(texts: Iterable<string>) {
    for (const text of texts) {
      if (text === '') continue;
      for (const token of tokenize(text)) {
        const position = this.stems.length;
        const value = stem(token);
        const key = exactKey(token);
        this.add(value, position);
        if (key !== value) this.add(key, position);
        this.stems.push(value);
        this.exact.push(key);
      }
      // The gap: a position no stem occupies.
      this.stems.push('');
      this.exact.push('');
    }
  }

  private add(value: string, position: number): void {
    const at = this.positions.get(value);
    if (at) at.push(position);
    else this.positions.set(value, [position]);
  }

  has(stemmed: string): boolean {
    return this.positions.has(stemmed);
  }

  /**
   * True when the stems (or exact tokens from `analyseExact`, never mixed) occur consecutively
   * somewhere.
   */
  hasPhrase(stems: readonly string[]): boolean {
    const [first, ...rest] = stems;
    if (first === undefined) return false;
    const starts = this.positions.get(first);
    if (!starts) return false;
    if (rest.length === 0) return true;
    for (const rarest of rest) if (!this.positions.has(rarest)) return false;
    const stream = first.startsWith('=') ? this.exact : this.stems;
    return starts.some((start) => rest.every((value, offset) => stream[start + offset + 1] === value));
  }
}
