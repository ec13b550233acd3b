import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '#shared/domain/types.ts';
import { canonicalContent, itemVersion } from '#shared/domain/version.ts';

const base: ParsedItem = {
  key: 'k',
  title: 'Localism Act 2011',
  url: 'https://example.org/a',
  summary: 'A summary',
  content: 'line one\nline two',
  publishedAt: '2026-11-20T09:00:00.000Z',
  updatedAt: null,
  links: ['https://example.org/a'],
};

describe('itemVersion', () => {
  it('is URL-safe and short', () => {
    expect(itemVersion(base)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each([
    ['whitespace in the title', { title: '  Localism   Act\n2011 ' }],
    ['whitespace inside page lines', { content: ' line   one \n\n line two ' }],
    ['the key, url and links (identity, not content)', { key: 'other', url: 'https://x.org', links: [] }],
    ['meta', { meta: { stage: 'Report stage' } }],
  ])('ignores %s', (_name, change) => {
    expect(itemVersion({ ...base, ...change })).toBe(itemVersion(base));
  });

  it.each([
    ['the title', { title: 'Localism Act 2012' }],
    ['the summary', { summary: 'Another summary' }],
    ['a page line', { content: 'line one\nline 2' }],
    ['line order', { content: 'line two\nline one' }],
    ['published', { publishedAt: '2026-11-21T09:00:00.000Z' }],
    ['updated', { updatedAt: '2026-11-21T09:00:00.000Z' }],
    [
      'the effect',
      {
        effect: {
          affected: { id: 'ukpga/2011/20', title: null },
          affecting: null,
          effect: 'repealed',
          provisions: { affected: 's. 5', affecting: null },
          inForce: [],
        },
      },
    ],
  ])('changes with %s', (_name, change) => {
    expect(itemVersion({ ...base, ...change })).not.toBe(itemVersion(base));
  });

  it('does not depend on the key order of the effect', () => {
    const effect = {
      affected: null,
      affecting: null,
      effect: 'inserted',
      provisions: { affected: 's. 1', affecting: null },
      inForce: [],
    };
    const reordered = {
      inForce: [],
      provisions: { affecting: null, affected: 's. 1' },
      effect: 'inserted',
      affecting: null,
      affected: null,
    };
    expect(canonicalContent({ ...base, effect })).toBe(canonicalContent({ ...base, effect: reordered }));
  });
});
