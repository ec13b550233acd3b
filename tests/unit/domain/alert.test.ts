import { describe, expect, it } from 'vitest';
import {
  alertId,
  alertKind,
  backfillAllows,
  buildAlert,
  changedAtFor,
  truncate,
} from '#shared/domain/alert.ts';
import { isEmptyDiff, lineDiff, MAX_DIFF_LINES } from '#shared/domain/line-diff.ts';
import { sameScheme } from '#shared/services/poll-fetch.ts';

const DETECTED = '2026-10-01T12:00:00.000Z';

describe('changedAtFor (docs/contract.md §3)', () => {
  it.each([
    {
      name: 'no item date: detection time',
      itemDate: null,
      previous: undefined,
      alerted: false,
      want: DETECTED,
    },
    {
      name: 'new item: its own date',
      itemDate: '2026-09-25T14:19:14.000Z',
      previous: undefined,
      alerted: false,
      want: '2026-09-25T14:19:14.000Z',
    },
    {
      name: 'updated with a new date: that date',
      itemDate: '2026-09-30T00:00:00.000Z',
      previous: '2026-09-25T14:19:14.000Z',
      alerted: true,
      want: '2026-09-30T00:00:00.000Z',
    },
    {
      name: 'updated, same item date: detection time',
      itemDate: '2026-09-25T14:19:14.000Z',
      previous: '2026-09-25T14:19:14.000Z',
      alerted: true,
      want: DETECTED,
    },
    {
      name: 'new alert for an earlier unalerted item, same date: its own date',
      itemDate: '2026-09-25T14:19:14.000Z',
      previous: '2026-09-25T14:19:14.000Z',
      alerted: false,
      want: '2026-09-25T14:19:14.000Z',
    },
    {
      name: 'future date: clamped to detection',
      itemDate: '2027-01-01T00:00:00.000Z',
      previous: undefined,
      alerted: false,
      want: DETECTED,
    },
    {
      name: 'offset form normalised to UTC',
      itemDate: '2026-09-25T15:19:14+01:00',
      previous: undefined,
      alerted: false,
      want: '2026-09-25T14:19:14.000Z',
    },
  ])('$name', ({ itemDate, previous, alerted, want }) => {
    expect(
      changedAtFor({ itemDate, previousItemDate: previous, alertedBefore: alerted, detectedAt: DETECTED }),
    ).toBe(want);
  });
});

describe('backfillAllows (first poll)', () => {
  const now = new Date(DETECTED);
  it.each([
    { backfill: 'all', date: null, page: true, want: true },
    { backfill: 'all', date: '2001-01-01T00:00:00.000Z', page: false, want: true },
    { backfill: 'none', date: '2026-10-01T11:00:00.000Z', page: false, want: false },
    { backfill: '30d', date: '2026-09-02T12:00:00.000Z', page: false, want: true },
    { backfill: '30d', date: '2026-09-01T11:59:59.000Z', page: false, want: false },
    { backfill: '30d', date: null, page: false, want: false },
    { backfill: '30d', date: '2026-10-01T11:00:00.000Z', page: true, want: false },
    { backfill: '2w', date: '2026-09-20T00:00:00.000Z', page: false, want: true },
    { backfill: '15m', date: '2026-10-01T11:50:00.000Z', page: false, want: true },
    // Ahead of our clock: changedAt is clamped to now, which is inside every window.
    { backfill: '30d', date: '2026-10-01T12:05:00.000Z', page: false, want: true },
    { backfill: '15m', date: '2027-01-01T00:00:00.000Z', page: false, want: true },
    { backfill: 'none', date: '2027-01-01T00:00:00.000Z', page: false, want: false },
  ])('$backfill, dated $date, whole page $page → $want', ({ backfill, date, page, want }) => {
    expect(backfillAllows(backfill, date, now, page)).toBe(want);
  });
});

describe('alertKind', () => {
  it.each([
    { pageRegion: true, alertedBefore: false, want: 'page-changed' },
    { pageRegion: true, alertedBefore: true, want: 'page-changed' },
    { pageRegion: false, alertedBefore: false, want: 'new' },
    { pageRegion: false, alertedBefore: true, want: 'updated' },
  ])('%o', ({ pageRegion, alertedBefore, want }) => {
    expect(alertKind({ pageRegion, alertedBefore })).toBe(want);
  });
});

describe('alertId', () => {
  it('is deterministic, URL-safe and distinct per version', () => {
    const a = alertId('src', 'item', 'v1');
    expect(alertId('src', 'item', 'v1')).toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(alertId('src', 'item', 'v2')).not.toBe(a);
    expect(alertId('src2', 'item', 'v1')).not.toBe(a);
  });
});

describe('truncate', () => {
  it.each([
    { text: 'short', max: 10, want: 'short' },
    { text: '  spaced \n\n out  ', max: 20, want: 'spaced out' },
    { text: 'one two three four five', max: 16, want: 'one two three…' },
    { text: 'abcdefghijklmnop', max: 8, want: 'abcdefg…' },
    { text: 'Act \u202egpj.exe\u202c notes', max: 50, want: 'Act gpj.exe notes' },
    { text: 'a\u2066b\u2069c\u0000d\u001be\u0085f', max: 50, want: 'abcdef' },
    { text: 'tab\there\u000bnow', max: 50, want: 'tab here now' },
    { text: 'abcdef\u{1F600}gh', max: 8, want: 'abcdef…' },
  ])('$text / $max', ({ text, max, want }) => {
    const out = truncate(text, max);
    expect(out).toBe(want);
    expect(out.length).toBeLessThanOrEqual(max);
  });
});

describe('lineDiff', () => {
  it.each([
    { before: [], after: ['a', 'b'], added: ['a', 'b'], removed: [] },
    { before: ['a', 'b'], after: ['a', 'b'], added: [], removed: [] },
    { before: ['a', 'b', 'c'], after: ['a', 'c', 'd'], added: ['d'], removed: ['b'] },
    { before: ['x'], after: [], added: [], removed: ['x'] },
    { before: [], after: [], added: [], removed: [] },
    { before: [], after: ['a', 'a', 'b'], added: ['a', 'a', 'b'], removed: [] },
  ])('$before → $after', ({ before, after, added, removed }) => {
    const diff = lineDiff(before, after);
    expect(diff).toEqual({ added, removed });
    expect(isEmptyDiff(diff)).toBe(added.length + removed.length === 0);
  });

  it(`keeps at most ${MAX_DIFF_LINES} lines each way`, () => {
    const many = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    expect(lineDiff([], many).added).toHaveLength(MAX_DIFF_LINES);
  });
});

describe('sameScheme (feed paging links)', () => {
  it.each([
    [
      'http://www.legislation.gov.uk/changes/affected/ukpga/2011/20/data.feed?page=2',
      'https://www.legislation.gov.uk/changes/affected/ukpga/2011/20/data.feed',
      'https://www.legislation.gov.uk/changes/affected/ukpga/2011/20/data.feed?page=2',
    ],
    ['http://127.0.0.1:8080/feed?page=2', 'http://127.0.0.1:8080/feed', 'http://127.0.0.1:8080/feed?page=2'],
    ['http://other.example/feed?page=2', 'https://www.example/feed', 'http://other.example/feed?page=2'],
  ])('%s on %s → %s', (link, page, want) => {
    expect(sameScheme(link, page)).toBe(want);
  });
});

describe('buildAlert cleans every fetched string', () => {
  it('drops bidi overrides and controls from legislation fields and diff lines', () => {
    const rlo = '\u202e';
    const alert = buildAlert({
      id: 'x',
      kind: 'page-changed',
      source: { id: 's', title: 'S' },
      item: {
        key: 'k',
        title: `Title${rlo}`,
        url: 'https://example.org/',
        summary: '',
        content: '',
        publishedAt: null,
        updatedAt: null,
        links: [],
        effect: {
          affected: { id: 'ukpga/2011/20', title: `Localism Act 2011${rlo}` },
          affecting: null,
          effect: `repealed\u0007`,
          provisions: { affected: `s. 5${rlo}`, affecting: null },
          inForce: [{ date: null, qualification: `wholly${rlo}` }],
        },
      },
      matched: [{ topic: 't', terms: ['x'] }],
      topicOrder: ['t'],
      whatChanged: 'w',
      changedAt: DETECTED,
      detectedAt: DETECTED,
      diff: { added: [`gpj.exe${rlo}`], removed: [`old\u0000line`] },
    });
    const text = JSON.stringify(alert);
    for (const invisible of ['\\u202e', '\\u0000', '\\u0007', '\u202e'])
      expect(text).not.toContain(invisible);
    expect(alert.legislation?.affected?.title).toBe('Localism Act 2011');
    expect(alert.diff).toEqual({ added: ['gpj.exe'], removed: ['oldline'] });
  });
});
