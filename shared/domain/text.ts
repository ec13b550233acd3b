/**
 * @module Text analysis for the query language (SPEC §2): Unicode normalisation, tokens and
 * Snowball English (Porter2) stems. No stopwords are dropped, so phrases keep every word.
 * Pure; the only state is a bounded memo of stems.
 */
import stemWord from 'wink-porter2-stemmer';

// Letters and digits make tokens; an apostrophe inside a token is kept so Porter2's step 0
// turns "women's" and "members'" into "women" and "member".
const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]*)*/gu;
const MARKS = /\p{M}+/gu;
const APOSTROPHES = /[\u2018\u2019\u02bc\u0060\u00b4]/g;

/** Accent-free, lower-case text with curly apostrophes made straight. */
export function normalise(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, "'");
}

/** The tokens of a text after normalisation (punctuation breaks tokens). */
export function tokenize(text: string): string[] {
  return normalise(text).match(TOKEN) ?? [];
}

// Vocabularies are small (tens of thousands of words), but a hostile page could feed
// millions of distinct strings: the memo is cleared rather than allowed to grow unbounded.
const MEMO_LIMIT = 100_000;
// No word is this long; longer runs (encoded data, filler) are kept whole, because the stemmer's
// suffix rules take time that grows much faster than the token (minutes for 64 KB).
const MAX_STEMMED_LENGTH = 64;
const memo = new Map<string, string>();

/** Porter2 stem of one normalised token, computed once per distinct token. */
export function stem(token: string): string {
  let stemmed = memo.get(token);
  if (stemmed === undefined) {
    // Digits-only tokens (years, section numbers) are left as they are.
    stemmed = token.length > MAX_STEMMED_LENGTH || /^\d+$/.test(token) ? token : stemWord(token);
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
 * A searchable view of some texts: one token stream (texts separated by a gap so a phrase never
 * spans two fields or lines) with the positions of every stem.
 */
export class TextIndex {
  private readonly positions = new Map<string, number[]>();
  private readonly stems: string[] = [];

  constructor(texts: Iterable<string>) {
    for (const text of texts) {
      if (text === '') continue;
      for (const token of tokenize(text)) {
        const value = stem(token);
        const at = this.positions.get(value);
        if (at) at.push(this.stems.length);
        else this.positions.set(value, [this.stems.length]);
        this.stems.push(value);
      }
      // The gap: a position no stem occupies.
      this.stems.push('');
    }
  }

  has(stemmed: string): boolean {
    return this.positions.has(stemmed);
  }

  /** True when the stems occur consecutively somewhere. */
  hasPhrase(stems: readonly string[]): boolean {
    const [first, ...rest] = stems;
    if (first === undefined) return false;
    const starts = this.positions.get(first);
    if (!starts) return false;
    if (rest.length === 0) return true;
    for (const rarest of rest) if (!this.positions.has(rarest)) return false;
    return starts.some((start) => rest.every((value, offset) => this.stems[start + offset + 1] === value));
  }
}
