import { describe, expect, it } from 'vitest';
import { analyse, normalise, stem, TextIndex, tokenize } from '#shared/domain/text.ts';

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

  it('keeps a token longer than any word whole (the stemmer is slow on huge tokens)', () => {
    const run = 'x'.repeat(1024 * 1024);
    expect(analyse(`localism ${run} councils`)).toEqual(['local', run, 'council']);
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
