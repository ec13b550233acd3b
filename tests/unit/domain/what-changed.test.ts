import { readFileSync } from 'node:fs';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { LegislationEffect } from '#shared/domain/types.ts';
import {
  clip,
  describeBill,
  describeEffect,
  describeGovuk,
  describePageDiff,
  MAX_LINE,
} from '#shared/domain/what-changed.ts';

/** The effects of the recorded changes feed, read straight from its XML attributes. */
function fixtureEffects(): LegislationEffect[] {
  const xml = readFileSync(
    new URL('../../fixtures/legislation-changes-affected-ukpga-2018-12.feed.xml', import.meta.url),
    'utf8',
  );
  const $ = load(xml, { xml: true });
  return $('ukm\\:Effect')
    .toArray()
    .map((element) => {
      const node = $(element);
      const attr = (name: string) => node.attr(name) ?? null;
      return {
        affected: {
          id: 'ukpga/2018/12',
          title: node.find('ukm\\:AffectedTitle').text(),
          uri: attr('AffectedURI') ?? '',
        },
        affecting: {
          id: 'uksi/2026/386',
          title: node.find('ukm\\:AffectingTitle').text(),
          uri: attr('AffectingURI') ?? '',
        },
        effect: attr('Type'),
        provisions: { affected: attr('AffectedProvisions'), affecting: attr('AffectingProvisions') },
        inForce: node
          .find('ukm\\:InForce')
          .toArray()
          .map((inForce) => ({
            date: $(inForce).attr('Date') ?? null,
            qualification: $(inForce).attr('Qualification') ?? null,
          })),
      };
    });
}

const REGS =
  'The Data (Use and Access) Act 2025 (Consequential Amendments and Transitional Provision) Regulations 2026';

describe('describeEffect on the recorded feed', () => {
  const effects = fixtureEffects();
  it.each([
    [0, `s. 65 heading word substituted by ${REGS}, Sch. 2 para. 23(2)(3); in force 2026-09-30`],
    [1, `s. 67 heading word substituted by ${REGS}, Sch. 2 para. 23(2)(3); in force 2026-09-30`],
    [2, `Pt. 5 heading word substituted by ${REGS}, Sch. 2 para. 23(2)(3); in force 2026-09-30`],
  ])('entry %i', (index, expected) => {
    expect(effects).toHaveLength(3);
    expect(describeEffect(effects[index]!)).toBe(expected);
  });
});

const base: LegislationEffect = {
  affected: { id: 'ukpga/2011/20', title: 'Localism Act 2011' },
  affecting: { id: 'ukpga/2023/55', title: 'Levelling-up and Regeneration Act 2023' },
  effect: 'words substituted',
  provisions: { affected: 's. 5', affecting: 'Sch. 4' },
  inForce: [],
};

describe('describeEffect', () => {
  it.each<[string, LegislationEffect, string]>([
    [
      'in-force date unknown',
      base,
      's. 5 words substituted by the Levelling-up and Regeneration Act 2023, Sch. 4',
    ],
    [
      'in force with a qualification',
      { ...base, inForce: [{ date: '2024-01-01', qualification: 'for specified purposes' }] },
      's. 5 words substituted by the Levelling-up and Regeneration Act 2023, Sch. 4; in force 2024-01-01 (for specified purposes)',
    ],
    [
      'prospective',
      { ...base, inForce: [{ date: null, qualification: null }] },
      's. 5 words substituted by the Levelling-up and Regeneration Act 2023, Sch. 4; not yet in force',
    ],
    [
      'no provisions: the affected title',
      { ...base, effect: 'repealed', provisions: { affected: null, affecting: null } },
      'Localism Act 2011 repealed by the Levelling-up and Regeneration Act 2023',
    ],
    [
      'no affecting legislation',
      { ...base, affecting: null, effect: null, provisions: { affected: 's. 1', affecting: null } },
      's. 1 amended',
    ],
  ])('%s', (_name, effect, expected) => {
    expect(describeEffect(effect)).toBe(expected);
  });

  it('shortens a very long affecting title, keeping the provisions and date', () => {
    const line = describeEffect({
      ...base,
      affecting: { id: 'uksi/2026/1', title: `The ${'Very Long '.repeat(40)}Regulations 2026` },
      inForce: [{ date: '2026-01-01', qualification: null }],
    });
    expect(line.length).toBeLessThanOrEqual(MAX_LINE);
    expect(line).toMatch(/…, Sch\. 4; in force 2026-01-01$/);
  });
});

describe('describePageDiff', () => {
  it.each([
    [
      { added: ['News', 'New support offer for ward councillors', 'c'], removed: [] },
      '3 lines added: "New support offer for ward councillors"',
    ],
    [
      { added: ['Community rights update', 'b', 'c'], removed: ['old'] },
      '3 lines added, 1 removed: "Community rights update"',
    ],
    [{ added: ['Only one'], removed: [] }, '1 line added: "Only one"'],
    [{ added: [], removed: ['Gone', 'Also gone'] }, '2 lines removed: "Gone"'],
    [{ added: [], removed: [] }, 'Page changed'],
  ])('%j', (diff, expected) => {
    expect(describePageDiff(diff)).toBe(expected);
  });

  it('clips a long first line within the limit', () => {
    const line = describePageDiff({ added: ['word '.repeat(100)], removed: [] });
    expect(line.length).toBeLessThanOrEqual(MAX_LINE);
    expect(line.endsWith('…"')).toBe(true);
  });
});

describe('describeBill', () => {
  // Stages and categories as in tests/fixtures/parliament-bills-allpublicbills-2017.rss.xml.
  it.each<[string | null, string[], string]>([
    ['Committee stage', ['Commons', 'Government Bill'], 'Now at Committee stage (Commons)'],
    ['Report stage', ['Lords', 'Government Bill'], 'Now at Report stage (Lords)'],
    ['2nd reading', ["Private Members' Bill", 'Commons'], 'Now at 2nd reading (Commons)'],
    ['Royal Assent', ['Lords'], 'Received Royal Assent'],
    [null, ['Commons'], 'Bill updated (Commons)'],
    ['Committee stage', [], 'Now at Committee stage'],
  ])('%s %j', (stage, categories, expected) => {
    expect(describeBill(stage, categories)).toBe(expected);
  });
});

describe('describeGovuk', () => {
  it.each([
    [{ isNew: true, documentType: 'open_consultation' }, 'New consultation'],
    [
      { isNew: true, documentType: 'policy_paper', firstPublishedAt: '2016-10-06T15:00:00.000Z' },
      'New policy paper, published 2016-10-06',
    ],
    [{ isNew: true }, 'New publication'],
    [{ isNew: true, documentType: 'community_thing' }, 'New community thing'],
    [
      { isNew: false, changeNote: 'Added the consultation response.' },
      'Updated: Added the consultation response.',
    ],
    [{ isNew: false, documentType: 'guidance' }, 'Updated guidance'],
    [{ isNew: false }, 'Updated'],
  ])('%j', (change, expected) => {
    expect(describeGovuk(change)).toBe(expected);
  });

  it('keeps a long change note within the limit', () => {
    expect(describeGovuk({ isNew: false, changeNote: 'x '.repeat(300) }).length).toBeLessThanOrEqual(
      MAX_LINE,
    );
  });
});

describe('clip', () => {
  it('collapses whitespace and marks the cut', () => {
    expect(clip('  a \n b  ', 10)).toBe('a b');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
  });
});
