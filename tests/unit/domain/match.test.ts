import { describe, expect, it } from 'vitest';
import { compileTopics, legislationId, type MatchInput, matchQuery } from '#shared/domain/match.ts';
import type { LegislationEffect } from '#shared/domain/types.ts';
import { makeItem } from '../../support/builders.ts';

const item = makeItem;

// Values from tests/fixtures/legislation-changes-affected-ukpga-2018-12.feed.xml (first entry).
const effect: LegislationEffect = {
  affected: {
    id: 'ukpga/2018/12',
    title: 'Data Protection Act 2018',
    uri: 'http://www.legislation.gov.uk/id/ukpga/2018/12',
  },
  affecting: {
    id: 'uksi/2026/386',
    title:
      'The Data (Use and Access) Act 2025 (Consequential Amendments and Transitional Provision) Regulations 2026',
    uri: 'http://www.legislation.gov.uk/id/uksi/2026/386',
  },
  effect: 'word substituted',
  provisions: { affected: 's. 65 heading', affecting: 'Sch. 2 para. 23(2)(3)' },
  inForce: [{ date: '2026-09-30', qualification: 'wholly in force' }],
};
const effectItem = item({
  key: 'http://www.legislation.gov.uk/changes/affected/ukpga/2018/12/affecting/uksi/2026/386/key-afc4da5af850ada1378557cf240207e0/modified/2026-09-25T14:19:14Z',
  title:
    'The Data (Use and Access) Act 2025 (Consequential Amendments and Transitional Provision) Regulations 2026 effect on Data Protection Act 2018',
  url: 'https://www.legislation.gov.uk/ukpga/2018/12/part/3/chapter/4/crossheading/general-obligations',
  effect,
});

const cases: Array<[string, string, MatchInput, string[] | null]> = [
  [
    'reasons come only from branches that hold: a failed AND lends no terms',
    'privatisation OR ("standards committee" AND council)',
    { sourceId: 's', item: item({ title: 'Privatisation of council services' }) },
    ['privatisation'],
  ],
  [
    'every OR branch that holds is a reason',
    'outsourcing OR (council AND services)',
    { sourceId: 's', item: item({ title: 'Outsourcing council services' }) },
    ['outsourcing', 'council', 'services'],
  ],
  [
    'a satisfied NOT lends no terms',
    'councillors AND NOT pension',
    { sourceId: 's', item: item({ title: 'Support for councillors' }) },
    ['councillors'],
  ],
  [
    'a word, any case',
    'Localism',
    { sourceId: 's', item: item({ title: 'LOCALISM in practice' }) },
    ['Localism'],
  ],
  [
    'a stemmed word',
    'partnership',
    { sourceId: 's', item: item({ summary: 'Local partnerships' }) },
    ['partnership'],
  ],
  [
    'a phrase of consecutive stems',
    '"local strategic partnership"',
    { sourceId: 's', item: item({ summary: 'Reviewing Local Strategic Partnerships.' }) },
    ['local strategic partnership'],
  ],
  [
    'a phrase with the words apart',
    '"local strategic partnership"',
    { sourceId: 's', item: item({ summary: 'local and strategic partnership' }) },
    null,
  ],
  [
    'a phrase never spans two fields',
    '"localism act"',
    { sourceId: 's', item: item({ title: 'Guide to localism', summary: 'Act now' }) },
    null,
  ],
  [
    'accents are folded',
    'cafe',
    { sourceId: 's', item: item({ summary: 'Community Café funding' }) },
    ['cafe'],
  ],
  [
    'curly apostrophes and possessives',
    '"members code of conduct"',
    { sourceId: 's', item: item({ title: 'Members’ code of conduct' }) },
    ['members code of conduct'],
  ],
  [
    'punctuation breaks tokens',
    '"co operative"',
    { sourceId: 's', item: item({ summary: 'co-operative councils' }) },
    ['co operative'],
  ],
  ['lower-case and is a word', 'a and b', { sourceId: 's', item: item({ summary: 'a b' }) }, null],
  [
    'implicit AND',
    'scrutiny councillors',
    { sourceId: 's', item: item({ summary: 'Scrutiny by councillors' }) },
    ['scrutiny', 'councillors'],
  ],
  [
    'implicit AND needs both',
    'scrutiny councillors',
    { sourceId: 's', item: item({ summary: 'Scrutiny' }) },
    null,
  ],
  [
    'NOT excludes and is never reported',
    'councillors NOT pension',
    { sourceId: 's', item: item({ title: 'Councillors and pensions' }) },
    null,
  ],
  [
    'NOT lets others through',
    'councillors NOT pension',
    { sourceId: 's', item: item({ title: 'Councillors' }) },
    ['councillors'],
  ],
  [
    'OR reports every matched alternative',
    'outsourcing OR "contracting out" OR privatisation',
    { sourceId: 's', item: item({ summary: 'Outsourcing and contracting out' }) },
    ['outsourcing', 'contracting out'],
  ],
  [
    'title: looks at the title only',
    'title:councillors',
    { sourceId: 's', item: item({ summary: 'councillors' }) },
    null,
  ],
  [
    'title: phrase',
    'title:"participatory budgeting"',
    { sourceId: 's', item: item({ title: 'Participatory budgeting toolkit' }) },
    ['title:participatory budgeting'],
  ],
  [
    'source: restricts',
    'source:lga councillors',
    { sourceId: 'ncvo', item: item({ title: 'Councillors' }) },
    null,
  ],
  [
    'source: with a term reports the term',
    'source:lga councillors',
    { sourceId: 'lga', item: item({ title: 'Councillors' }) },
    ['councillors'],
  ],
  ['source: alone is a positive filter', 'source:lga', { sourceId: 'lga', item: item() }, ['source:lga']],
  [
    'legislation: in the item id (http, /id/)',
    'legislation:ukpga/2011/20',
    { sourceId: 's', item: item({ key: 'http://www.legislation.gov.uk/id/ukpga/2011/20' }) },
    ['legislation:ukpga/2011/20'],
  ],
  [
    'legislation: in a link on legislation.data.gov.uk',
    'legislation:ukpga/2011/20',
    {
      sourceId: 's',
      item: item({ links: ['http://legislation.data.gov.uk/ukpga/2011/20/contents/data.xml'] }),
    },
    ['legislation:ukpga/2011/20'],
  ],
  [
    'legislation: on a provision URL',
    'legislation:ukpga/2011/20',
    { sourceId: 's', item: item({ url: 'https://www.legislation.gov.uk/ukpga/2011/20/section/1' }) },
    ['legislation:ukpga/2011/20'],
  ],
  [
    'legislation: needs exactly the segments',
    'legislation:ukpga/2011/2',
    { sourceId: 's', item: item({ key: 'http://www.legislation.gov.uk/id/ukpga/2011/20' }) },
    null,
  ],
  [
    'legislation: ignores other hosts',
    'legislation:ukpga/2011/20',
    { sourceId: 's', item: item({ links: ['https://example.org/ukpga/2011/20'] }) },
    null,
  ],
  [
    'legislation: in an effect (affected)',
    'legislation:ukpga/2018/12',
    { sourceId: 's', item: effectItem },
    ['legislation:ukpga/2018/12'],
  ],
  [
    'legislation: in an effect (affecting)',
    'legislation:uksi/2026/386',
    { sourceId: 's', item: effectItem },
    ['legislation:uksi/2026/386'],
  ],
  [
    'bare terms search the effect type',
    '"word substituted"',
    { sourceId: 's', item: effectItem },
    ['word substituted'],
  ],
  ['bare terms search provisions', '"para 23"', { sourceId: 's', item: effectItem }, ['para 23']],
  [
    'bare terms search legislation titles',
    '"data protection act"',
    { sourceId: 's', item: { ...effectItem, title: 'An effect' } },
    ['data protection act'],
  ],
  [
    'bare terms search a bill stage',
    '"report stage"',
    { sourceId: 's', item: item({ title: 'Data Protection', meta: { stage: 'Report stage' } }) },
    ['report stage'],
  ],
  [
    'bare terms search added diff lines',
    '"participatory budgeting"',
    {
      sourceId: 'p',
      item: item({ title: 'Page' }),
      diff: { added: ['New: participatory budgeting pilot'], removed: [] },
    },
    ['participatory budgeting'],
  ],
  [
    'a page change: removed lines are not searched',
    'scrutiny',
    {
      sourceId: 'p',
      item: item({ title: 'Page' }),
      diff: { added: [], removed: ['Scrutiny committee closed'] },
    },
    null,
  ],
  [
    'a page change: unchanged lines (the region content) are not searched',
    'scrutiny',
    {
      sourceId: 'p',
      item: item({ title: 'Page', content: 'Scrutiny committee\nNew grants' }),
      diff: { added: ['New grants'], removed: [] },
    },
    null,
  ],
  [
    'a page change: the source title is searched with the added lines',
    'title:councillors AND grants',
    {
      sourceId: 'p',
      item: item({ title: 'News for councillors', content: 'Scrutiny\nNew grants' }),
      diff: { added: ['New grants'], removed: [] },
    },
    ['title:councillors', 'grants'],
  ],
  [
    'page content lines do not join into phrases',
    '"localism act"',
    { sourceId: 'p', item: item({ content: 'Our work on localism\nAct now to join' }) },
    null,
  ],
];

describe('matchQuery', () => {
  it.each(cases)('%s', (_name, query, input, expected) => {
    expect(matchQuery(query, input)).toEqual(expected);
  });
});

describe('legislationId', () => {
  it.each([
    ['http://www.legislation.gov.uk/id/ukpga/2011/20', 'ukpga/2011/20'],
    ['https://www.legislation.gov.uk/ukpga/2011/20/contents', 'ukpga/2011/20'],
    ['http://legislation.data.gov.uk/uksi/2015/1978/contents/made/data.xml', 'uksi/2015/1978'],
    ['https://legislation.gov.uk/UKPGA/2023/54', 'ukpga/2023/54'],
    ['ukpga/2011/20', 'ukpga/2011/20'],
    ['https://www.legislation.gov.uk/changes/affected/ukpga/2011/20', null],
    ['https://www.legislation.gov.uk/ukpga/2011', null],
    ['https://www.gov.uk/ukpga/2011/20', null],
    ['not a url', null],
  ])('%s → %s', (uri, expected) => {
    expect(legislationId(uri)).toBe(expected);
  });
});

describe('compileTopics', () => {
  const matcher = compileTopics([
    { id: 'localism-act', query: '"localism act" OR legislation:ukpga/2011/20' },
    { id: 'councillors', query: 'councillors OR "elected members"' },
    { id: 'pb', query: '"participatory budgeting"' },
  ]);

  it('returns every matching topic in config order with its terms', () => {
    const result = matcher.match({
      sourceId: 's',
      item: item({
        title: 'Localism Act 2011: guidance for councillors',
        key: 'http://www.legislation.gov.uk/id/ukpga/2011/20',
      }),
    });
    expect(result).toEqual([
      { topic: 'localism-act', terms: ['localism act', 'legislation:ukpga/2011/20'] },
      { topic: 'councillors', terms: ['councillors'] },
    ]);
  });

  it('returns nothing for an unrelated item', () => {
    expect(matcher.match({ sourceId: 's', item: item({ title: 'Budget 2024' }) })).toEqual([]);
  });
});
