import { describe, expect, it } from 'vitest';
import { citedChangeText, compareSheets, containingCitation } from '#shared/domain/cited-evidence.ts';
import {
  effectProvisionPaths,
  parseCitationRef,
  provisionWithin,
  subdivisions,
} from '#shared/domain/provisions.ts';
import type { Alert } from '#shared/domain/types.ts';
import { makeEffectAlert } from '../../support/builders.ts';

describe('effectProvisionPaths: ukm:Effect AffectedProvisions strings', () => {
  // Forms as legislation.gov.uk writes them (the recorded feeds: "s. 65 heading", "Pt. 5 heading",
  // "Sch. 2 para. 23(2)(3)", "s. 114 and cross-heading", "s. 205(2)(l)").
  it.each([
    ['s. 81(5)(a)', ['section/81/5/a']],
    ['s. 65 heading', ['section/65']],
    ['Pt. 5 heading', ['part/5']],
    ['s. 114 and cross-heading', ['section/114']],
    ['s. 205(2)(l)', ['section/205/2/l']],
    ['s. 9A', ['section/9a']],
    ['ss. 81-86', ['section/81', 'section/82', 'section/83', 'section/84', 'section/85', 'section/86']],
    ['s. 81-86', ['section/81', 'section/82', 'section/83', 'section/84', 'section/85', 'section/86']],
    ['ss. 1, 2', ['section/1', 'section/2']],
    ['s. 81(1)-(3)', ['section/81/1', 'section/81/2', 'section/81/3']],
    ['s. 5(1)(2)', ['section/5/1', 'section/5/2']],
    ['s. 2(a)(i)', ['section/2/a/i']],
    ['s. 2(h)(i)', ['section/2/h', 'section/2/i']],
    ['Sch. 11 para. 45', ['schedule/11/paragraph/45']],
    ['Sch. 2 para. 23(2)(3)', ['schedule/2/paragraph/23/2', 'schedule/2/paragraph/23/3']],
    ['Sch. 2 paras. 1-3', ['schedule/2/paragraph/1', 'schedule/2/paragraph/2', 'schedule/2/paragraph/3']],
    [
      'Sch. 2 paras. 1-3, 5',
      [
        'schedule/2/paragraph/1',
        'schedule/2/paragraph/2',
        'schedule/2/paragraph/3',
        'schedule/2/paragraph/5',
      ],
    ],
    ['Sch. 5', ['schedule/5']],
    ['Sch. 1 Pt. 2', ['schedule/1/part/2']],
    ['Pt. 5 Ch. 3', ['part/5/chapter/3']],
    ['reg. 5(2)', ['regulation/5/2']],
    ['art. 3', ['article/3']],
    ['', []],
    ['Act', []],
  ])('%s', (text, paths) => {
    expect(effectProvisionPaths(text)).toEqual(paths);
  });

  it('keeps an absurd range to its ends', () => {
    expect(effectProvisionPaths('ss. 1-100000')).toEqual(['section/1', 'section/100000']);
  });

  it('reads (5)(a) as nested and (2)(3) as a list', () => {
    expect(subdivisions('(5)(a)')).toEqual([['5', 'a']]);
    expect(subdivisions('(2)(3)')).toEqual([['2'], ['3']]);
  });
});

describe('parseCitationRef: configured citations', () => {
  it.each([
    ['ukpga/2011/20', 'ukpga/2011/20', ''],
    ['UKPGA/2011/20/Section/81', 'ukpga/2011/20', 'section/81'],
    ['ukpga/2011/20/part/5/chapter/3', 'ukpga/2011/20', 'part/5/chapter/3'],
    ['ukpga/2011/20/schedule/2/paragraph/3', 'ukpga/2011/20', 'schedule/2/paragraph/3'],
    ['uksi/2003/1021/regulation/5', 'uksi/2003/1021', 'regulation/5'],
    ['uksi/2003/1021/article/2', 'uksi/2003/1021', 'article/2'],
    ['ukpga/2011/20/section/9A', 'ukpga/2011/20', 'section/9a'],
  ])('%s', (text, act, path) => {
    expect(parseCitationRef(text)).toEqual({ act, path });
  });

  it.each([
    'ukpga/2011',
    'ukpga/11/20',
    'ukpga/2011/20/chapter/3',
    'ukpga/2011/20/section',
    'ukpga/2011/20/section/81/5',
    'ukpga/2011/20/crossheading/x',
    'https://www.legislation.gov.uk/ukpga/2011/20',
  ])('refuses %s', (text) => {
    expect(parseCitationRef(text)).toBeNull();
  });
});

describe('provisionWithin: containment', () => {
  const contents = new Map([
    ['section/81', ['part/5', 'part/5/chapter/2']],
    ['section/87', ['part/5', 'part/5/chapter/3']],
  ]);
  it.each([
    ['section/81/5/a', 'section/81', null, true],
    ['section/81', 'section/81', null, true],
    ['section/81', 'section/81/5', null, false],
    ['section/81a', 'section/81', null, false],
    ['section/810', 'section/81', null, false],
    ['schedule/2/paragraph/3', 'schedule/2', null, true],
    ['schedule/2/paragraph/3/1', 'schedule/2/paragraph/3', null, true],
    ['schedule/2/paragraph/3', 'schedule/3', null, false],
    ['section/2', 'schedule/2', null, false],
    ['part/5/chapter/3', 'part/5', null, true],
    ['part/5', 'part/5/chapter/3', null, false],
    ['section/81/5', 'part/5/chapter/2', contents, true],
    ['section/81/5', 'part/5', contents, true],
    ['section/87', 'part/5/chapter/2', contents, false],
    ['section/81/5', 'part/5/chapter/2', null, false],
    ['section/1', 'part/5', contents, false],
    ['anything/at/all', '', null, true],
  ])('%s within %s', (provision, citation, map, within) => {
    expect(provisionWithin(provision, citation, map)).toBe(within);
  });
});

const effectAlert = (
  provisions: string,
  inForce: (string | null)[],
  affecting = 'Procurement Act 2023',
): Alert =>
  makeEffectAlert(
    {
      provisions,
      affecting,
      inForce: inForce.map((date) => ({ date, qualification: date ? 'wholly in force' : 'prospective' })),
    },
    { id: `a-${provisions}`, title: 't', source: { id: 'cited-ukpga-2011-20', title: 'Changes' } },
  );

describe('containingCitation: the most specific citation wins', () => {
  const refs = ['ukpga/2011/20', 'ukpga/2011/20/part/5', 'ukpga/2011/20/section/81', 'ukpga/2012/3'];
  const contents = new Map([['ukpga/2011/20', new Map([['section/81', ['part/5', 'part/5/chapter/2']]])]]);
  it.each([
    ['s. 81(5)(a)', 'ukpga/2011/20/section/81'],
    ['ss. 80-82', 'ukpga/2011/20/section/81'],
    ['Pt. 5 heading', 'ukpga/2011/20/part/5'],
    ['s. 1', 'ukpga/2011/20'],
  ])('%s → %s', (provisions, citation) => {
    expect(containingCitation(effectAlert(provisions, []), refs, contents)).toBe(citation);
  });
  it('an effect on another Act, or outside every citation, is not cited', () => {
    expect(containingCitation(effectAlert('s. 1', []), ['ukpga/2012/3'], contents)).toBeNull();
    expect(containingCitation(effectAlert('s. 230', []), ['ukpga/2011/20/section/81'], contents)).toBeNull();
  });
});

describe('citedChangeText: provision, effect, affecting Act, in force', () => {
  it.each([
    [['2025-02-24'], 's. 81(5)(a) words substituted by the Procurement Act 2023, in force 2025-02-24'],
    [
      ['2027-01-01'],
      's. 81(5)(a) words substituted by the Procurement Act 2023, comes into force on 2027-01-01',
    ],
    [['2026-10-01'], 's. 81(5)(a) words substituted by the Procurement Act 2023, in force 2026-10-01'],
    [[null], 's. 81(5)(a) words substituted by the Procurement Act 2023, not yet in force'],
    [
      ['2024-01-01', '2027-01-01'],
      's. 81(5)(a) words substituted by the Procurement Act 2023, in force 2024-01-01',
    ],
  ])('%j', (dates, text) => {
    expect(citedChangeText(effectAlert('s. 81(5)(a)', dates), '2026-10-01')).toBe(text);
  });
  it('keeps an instrument title that starts with "The"', () => {
    const alert = effectAlert('s. 1', ['2025-01-01'], 'The Localism Act 2011 (Amendment) Regulations 2025');
    expect(citedChangeText(alert, '2026-10-01')).toBe(
      's. 1 words substituted by The Localism Act 2011 (Amendment) Regulations 2025, in force 2025-01-01',
    );
  });
});

describe('compareSheets: high, normal, not stale; earliest staleSince first', () => {
  it('orders', () => {
    const sheets = [
      { id: 'a', severity: null, staleSince: null },
      { id: 'b', severity: 'normal', staleSince: '2026-01-01T00:00:00Z' },
      { id: 'c', severity: 'high', staleSince: '2026-05-01T00:00:00Z' },
      { id: 'd', severity: 'normal', staleSince: '2025-01-01T00:00:00Z' },
      { id: 'e', severity: 'high', staleSince: '2026-02-01T00:00:00Z' },
    ] as const;
    expect([...sheets].sort(compareSheets).map((sheet) => sheet.id)).toEqual(['e', 'c', 'd', 'b', 'a']);
  });
});
