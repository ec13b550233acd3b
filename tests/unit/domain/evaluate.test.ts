import { describe, expect, it } from 'vitest';
import { evaluateExamples, type LabelledExample } from '#shared/domain/evaluate.ts';
import { makeConfig, pageSourceEntry, sourceEntry, topicEntry } from '../../support/builders.ts';

const config = makeConfig({
  organisation: { name: 'Test', contact: 'policy@example.org' },
  sources: [
    sourceEntry({ id: 'feed', url: 'https://example.org/feed' }),
    pageSourceEntry({ title: 'Sector news for councillors' }),
    pageSourceEntry({
      id: 'listing',
      title: 'Listing for councillors',
      url: 'https://example.org/list',
      items: { each: 'li', title: 'a', link: 'a' },
    }),
  ],
  topics: [
    topicEntry('pb'),
    { id: 'cllr', title: 'Councillors', query: 'councillors OR source:feed' },
    { id: 'act', title: 'Act', query: 'legislation:ukpga/2011/20' },
  ],
  factsheets: [],
  digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
});

const examples: LabelledExample[] = [
  { title: 'Participatory budgeting in Leeds', labels: ['pb'] },
  { title: 'Residents decide spending', labels: ['pb'] },
  { title: 'Councillors and participatory budgeting', labels: ['pb'] },
  { title: 'Feed item about nothing', source: 'feed', labels: [] },
  { title: 'Localism Act 2011', url: 'http://www.legislation.gov.uk/id/ukpga/2011/20', labels: ['act'] },
];

describe('evaluateExamples', () => {
  it('scores every topic in config order and lists the mistakes with matched terms', () => {
    expect(evaluateExamples(config, examples)).toEqual({
      topics: [
        { id: 'pb', tp: 2, fp: 0, fn: 1, precision: 1, recall: 0.6667, f1: 0.8 },
        { id: 'cllr', tp: 0, fp: 2, fn: 0, precision: 0, recall: null, f1: null },
        { id: 'act', tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 },
      ],
      falsePositives: [
        { title: 'Councillors and participatory budgeting', topic: 'cllr', terms: ['councillors'] },
        { title: 'Feed item about nothing', topic: 'cllr', terms: ['source:feed'] },
      ],
      falseNegatives: [{ title: 'Residents decide spending', topic: 'pb' }],
    });
  });

  it('an example with scope counts only for those topics', () => {
    const report = evaluateExamples(config, [
      { title: 'Councillors and participatory budgeting', labels: ['pb'], scope: ['pb'] },
      { title: 'Residents decide spending', labels: [], scope: ['cllr'] },
    ]);
    expect(report.topics.map(({ id, tp, fp, fn }) => [id, tp, fp, fn])).toEqual([
      ['pb', 1, 0, 0],
      ['cllr', 0, 0, 0],
      ['act', 0, 0, 0],
    ]);
    expect(report.topics[1]).toMatchObject({ precision: null, recall: null, f1: null });
    expect(report.falsePositives).toEqual([]);
  });

  it('matches an example of a page region as a change adding its lines, with the source title', () => {
    const report = evaluateExamples(config, [
      { title: 'Nothing relevant here', source: 'region', labels: ['cllr'] },
      { title: 'Participatory budgeting toolkit', source: 'region', labels: ['pb', 'cllr'] },
    ]);
    // The region's source title ("… for councillors") is searched with the added lines.
    expect(report.topics[0]).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(report.topics[1]).toMatchObject({ tp: 2, fp: 0, fn: 0 });
  });

  it('matches an example of a listing page (items) as an item of its own title', () => {
    const report = evaluateExamples(config, [{ title: 'Toolkit', source: 'listing', labels: [] }]);
    expect(report.topics[1]).toMatchObject({ tp: 0, fp: 0 });
  });
});
