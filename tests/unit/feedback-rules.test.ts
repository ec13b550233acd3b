import { describe, expect, it } from 'vitest';
import { topicQuality } from '#shared/domain/feedback.ts';
import { evaluateExamples } from '#shared/domain/feedback-evaluation.ts';

const j = (topic: string, relevant: boolean, terms: string[] = []) => ({ topic, relevant, terms });

describe('topicQuality', () => {
  it.each([
    ['nothing judged or missed', [], [], { judged: 0, precision: null, recall: null }],
    ['only missed items', [], [['t']], { judged: 0, missed: 1, precision: null, recall: 0 }],
    ['only not relevant', [j('t', false)], [], { judged: 1, notRelevant: 1, precision: 0, recall: null }],
    [
      '3 of 4 relevant, 1 missed',
      [j('t', true), j('t', true), j('t', true), j('t', false)],
      [['t', 'u']],
      { judged: 4, relevant: 3, notRelevant: 1, missed: 1, precision: 0.75, recall: 0.75 },
    ],
    ['other topics ignored', [j('u', true)], [['u']], { judged: 0, missed: 0 }],
  ] as const)('%s', (_, judgements, missed, expected) => {
    expect(
      topicQuality(
        't',
        judgements.map((x) => ({ ...x, terms: [...x.terms] })),
        missed.map((topics) => ({ topics: [...topics] })),
      ),
    ).toMatchObject(expected);
  });

  it('counts each false term once per alert, most frequent first, ties by term', () => {
    const quality = topicQuality(
      't',
      [j('t', false, ['b', 'b', 'a']), j('t', false, ['c', 'a']), j('t', false, ['b']), j('t', true, ['z'])],
      [],
    );
    expect(quality.falseTerms).toEqual([
      { term: 'a', count: 2 },
      { term: 'b', count: 2 },
      { term: 'c', count: 1 },
    ]);
  });
});

describe('evaluateExamples (stand-in)', () => {
  const topics = [
    { id: 'housing', query: 'housing OR homelessness' },
    { id: 'planning', query: 'planning' },
  ];

  it('scores only within each example scope', () => {
    const result = evaluateExamples(topics, [
      { title: 'Housing and planning bill', labels: ['housing'], scope: ['housing'] },
      { title: 'Housing market statistics', labels: [], scope: ['housing'] },
      { title: 'Rough sleeping strategy', labels: ['housing'], scope: ['housing'] },
      { title: 'Planning inspectorate fees', labels: ['planning'] },
    ]);
    expect(result.topics).toEqual([
      { id: 'housing', tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5 },
      { id: 'planning', tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 },
    ]);
    expect(result.falsePositives).toEqual([
      { title: 'Housing market statistics', topic: 'housing', terms: ['housing'] },
    ]);
    expect(result.falseNegatives).toEqual([{ title: 'Rough sleeping strategy', topic: 'housing' }]);
  });
});
