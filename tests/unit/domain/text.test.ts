import { describe, expect, it } from 'vitest';
import {
  analyse,
  collapse,
  MAX_STEMMED_LENGTH,
  normalise,
  stem,
  TextIndex,
  tokenize,
} from '#shared/domain/text.ts';

describe('collapse', () => {
  it.each([
    ['  a \t b\n\nc  ', 'a b c'],
    ['one', 'one'],
    ['\u00a0non-breaking\u00a0space ', 'non-breaking space'],
    ['\r\n', ''],
    ['', ''],
    ['already one line', 'already one line'],
    [' leading', 'leading'],
    ['trailing ', 'trailing'],
    ['two  spaces', 'two spaces'],
    ['a\tb', 'a b'],
    ['a\nb', 'a b'],
    ['a\u2003b\u3000c', 'a b c'],
    ['a\ufeffb', 'a b'],
    [' ', ''],
  ])('%j', (text, collapsed) => {
    expect(collapse(text)).toBe(collapsed);
  });
});

describe('normalise and tokenize', () => {
  it.each([
    ['Localism Act 2011', ['localism', 'act', '2011']],
    ['Café déjà-vu', ['cafe', 'deja', 'vu']],
    ['Members’ code of conduct', ["members'", 'code', 'of', 'conduct']],
    ["women's organisations", ["women's", 'organisations']],
    ['s. 65(2)(b) heading', ['s', '65', '2', 'b', 'heading']],
    ['co-operative/mutual: “public service”', ['co', 'operative', 'mutual', 'public', 'service']],
    ['ﬁnance ＡＣＴ', ['finance', 'act']],
    ['', []],
    ['— … !!', []],
  ])('%j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it('folds case and accents', () => {
    expect(normalise('ÉLU Naïve')).toBe('elu naive');
  });
});

describe('stem (Snowball English / Porter2)', () => {
  it.each([
    ['councillors', 'councillor'],
    ['partnerships', 'partnership'],
    ['budgeting', 'budget'],
    ['privatised', 'privatis'],
    ['privatisation', 'privatis'],
    ['communities', 'communiti'],
    ["women's", 'women'],
    ["members'", 'member'],
    ['2011', '2011'],
    ['and', 'and'],
  ])('%s → %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('cuts a token longer than any word and leaves it unstemmed (the stemmer is slow on huge tokens)', () => {
    const run = 'x'.repeat(1024 * 1024);
    expect(analyse(`localism ${run} councils`)).toEqual(['local', run.slice(0, 64), 'council']);
  });

  it('analyse stems every token and keeps stopwords', () => {
    expect(analyse('The Community Right to Challenge')).toEqual([
      'the',
      'communiti',
      'right',
      'to',
      'challeng',
    ]);
  });
});

describe('TextIndex', () => {
  const index = new TextIndex(['Local Strategic Partnerships review', 'Neighbourhood plans', '', 'local']);
  it.each<[string[], boolean]>([
    [['local'], true],
    [['local', 'strateg', 'partnership'], true],
    [['strateg', 'local'], false],
    [['review', 'neighbourhood'], false],
    [['neighbourhood', 'plan'], true],
    [['plan', 'local'], false],
    [['missing'], false],
    [[], false],
  ])('%j → %s', (stems, expected) => {
    expect(index.hasPhrase(stems)).toBe(expected);
  });

  it('answers single-stem lookups', () => {
    expect(index.has('partnership')).toBe(true);
    expect(index.has('partnerships')).toBe(false);
  });
});

describe('long tokens are bounded before stemming', () => {
  it.each([
    ['a 64-letter word is stemmed', `${'a'.repeat(60)}ings`.slice(0, 64), true],
    ['a 65-letter word is cut to 64 and not stemmed', `${'b'.repeat(61)}ings`, false],
  ])('%s', (_, word, stemmed) => {
    const result = stem(word);
    expect(result.length).toBeLessThanOrEqual(MAX_STEMMED_LENGTH);
    if (stemmed) expect(result).not.toBe(word);
    else expect(result).toBe(word.slice(0, MAX_STEMMED_LENGTH));
  });

  it('a 400,000-character word is analysed and still matches itself', () => {
    const word = 'x'.repeat(400_000);
    const stems = analyse(`before ${word}ing after`);
    expect(stems).toEqual(['befor', 'x'.repeat(MAX_STEMMED_LENGTH), 'after']);
    expect(new TextIndex([`a ${word} b`]).hasPhrase(analyse(`a ${word}`))).toBe(true);
  });

  it('never cuts a surrogate pair in half', () => {
    const token = `${'a'.repeat(MAX_STEMMED_LENGTH - 1)}\u{20000}\u{20000}`;
    expect(stem(token)).toBe('a'.repeat(MAX_STEMMED_LENGTH - 1));
  });
});
