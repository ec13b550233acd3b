/**
 * The shipped config's sector and official sources added for relevance: each one's document
 * shape (a fixture in tests/fixtures/sources, see PROVENANCE.md) parses with the shipped
 * settings (feed, or page `items` selectors) into titled, linked items, and the items a centre
 * wants reach the right topics through the shipped queries while the others reach none.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText, type SourceConfig } from '#shared/config/schema.ts';
import { compileTopics } from '#shared/domain/match.ts';
import { parseSourceBody } from '#shared/sources/parse/source-body.ts';

const parsed = parseConfigText(readFileSync(new URL('../../../config/watch.json', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const config = parsed.config;
const matcher = compileTopics(config.topics);

function source(id: string): SourceConfig {
  const found = config.sources.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no shipped source ${id}`);
  return found;
}

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
}

async function itemsOf(id: string, body: Buffer) {
  const shipped = source(id);
  const result = await parseSourceBody(shipped, body, { contentType: null, charset: null, url: shipped.url });
  return result.items.map((item) => ({
    title: item.title,
    url: item.url,
    topics: matcher.match({ sourceId: id, item }).map((match) => match.topic),
  }));
}

// [source id, fixture, [title, topics the shipped queries must give]...]
const SHAPES: [string, string, [string, string[]][]][] = [
  [
    'govuk-mhclg',
    'sources/govuk-organisation-mhclg.atom.xml',
    [
      ['Council tax referendum principles: 2027 to 2028', ['localism-act']],
      [
        'Strengthening the standards and conduct framework for local authorities in England',
        ['localism-act', 'working-with-councillors'],
      ],
      ['Local authority housing statistics: year ending March 2026', []],
    ],
  ],
  [
    'nao-reports',
    'sources/nao-reports-wordpress.rss.xml',
    [
      ['Government’s management of its strategic suppliers', ['privatisation']],
      ['Local government financial sustainability', []],
    ],
  ],
  [
    'cfgs-news',
    'sources/cfgs-wordpress.rss.xml',
    [
      ['New guide: the councillor’s role in overview and scrutiny', ['working-with-councillors']],
      ['Annual governance conference: booking open', []],
    ],
  ],
  [
    'lga-news',
    'sources/page-lga-news.html',
    [
      ['LGA responds to survey on abuse and intimidation of councillors', ['working-with-councillors']],
      ['LGA statement on the local government finance settlement', []],
    ],
  ],
  [
    'ncvo-news',
    'sources/page-ncvo-news.html',
    [
      ['Procurement Act: what charities need to know', ['privatisation']],
      ["Volunteers' Week 2027 dates announced", []],
    ],
  ],
  [
    'locality-news',
    'sources/page-locality-news.html',
    [
      ['Stronger community right to buy: our response', ['localism-act']],
      ["Members' gathering 2027", []],
    ],
  ],
  [
    'pb-scotland-blog',
    'sources/page-pb-scotland-blog.html',
    [
      ['Community choices in Fife: residents decide £2m of spending', ['participatory-budgeting']],
      ['Website update', []],
    ],
  ],
  [
    'pb-partners-news',
    'sources/page-pb-partners-news.html',
    [
      ['Young people vote on how to spend the youth fund', ['participatory-budgeting']],
      ['Welcome to our new team member', []],
    ],
  ],
  [
    'parliament-written-statements',
    'sources/page-written-statements.html',
    [
      ['Local Government Standards: Consultation Response', ['localism-act', 'working-with-councillors']],
      ['Agriculture and Fisheries Council', []],
    ],
  ],
];

describe('shipped sources parse into titled, linked items that reach the right topics', () => {
  it.each(SHAPES)('%s (%s)', async (id, file, expected) => {
    const items = await itemsOf(id, fixture(file));
    expect(items.map(({ title, topics }) => [title, topics])).toEqual(expected);
    for (const item of items) expect(item.url).toMatch(/^https:\/\/[^/]+\/./);
  });
});

// The changes feed of each Act the factsheets rest on: the recorded changes feed with its
// affected Act rewritten to that Act, matched through the topics' legislation: terms.
const ACTS: [string, string, string, string][] = [
  ['leg-localism-changes', 'ukpga/2011/20', 'Localism Act 2011', 'localism-act'],
  ['leg-procurement-changes', 'ukpga/2023/54', 'Procurement Act 2023', 'privatisation'],
  ['leg-social-value-changes', 'ukpga/2012/3', 'Public Services (Social Value) Act 2012', 'privatisation'],
  ['leg-pcr-2015-changes', 'uksi/2015/102', 'The Public Contracts Regulations 2015', 'privatisation'],
  ['leg-lga-2000-changes', 'ukpga/2000/22', 'Local Government Act 2000', 'working-with-councillors'],
  [
    'leg-lgpiha-2007-changes',
    'ukpga/2007/28',
    'Local Government and Public Involvement in Health Act 2007',
    'lsp-review',
  ],
  [
    'leg-disqualification-changes',
    'ukpga/2022/17',
    'Local Government (Disqualification) Act 2022',
    'working-with-councillors',
  ],
  [
    'leg-members-allowances-changes',
    'uksi/2003/1021',
    "The Local Authorities (Members' Allowances) (England) Regulations 2003",
    'working-with-councillors',
  ],
];

describe('changes feeds of the Acts the factsheets rest on', () => {
  const recorded = fixture('legislation-changes-affected-ukpga-2018-12.feed.xml').toString('utf8');
  it.each(ACTS)('%s: every effect on %s reaches %s', async (id, act, title, topic) => {
    const shipped = source(id);
    expect(shipped.url).toBe(
      `https://www.legislation.gov.uk/changes/affected/${act}/data.feed?sort=modified`,
    );
    const [type, year, number] = act.split('/');
    const body = recorded
      .replaceAll('ukpga/2018/12', act)
      .replaceAll(
        'AffectedClass="UnitedKingdomPublicGeneralAct"',
        `AffectedClass="${type === 'uksi' ? 'UnitedKingdomStatutoryInstrument' : 'UnitedKingdomPublicGeneralAct'}"`,
      )
      .replaceAll('AffectedYear="2018"', `AffectedYear="${year}"`)
      .replaceAll('AffectedNumber="12"', `AffectedNumber="${number}"`)
      .replaceAll('Data Protection Act 2018', title);
    const items = await itemsOf(id, Buffer.from(body));
    expect(items.length).toBe(3);
    for (const item of items) expect(item.topics).toContain(topic);
  });
});
