import { describe, expect, it } from 'vitest';
import { topicQuality } from '#shared/domain/feedback.ts';

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
