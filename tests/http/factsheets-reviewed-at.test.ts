/**
 * `reviewedAt` in `GET /api/factsheets` (docs/contract.md §6): a config date stays a date; an instant, from the
 * config or a review, is output in UTC with milliseconds like every instant.
 */

import { describe, expect, it } from 'vitest';
import { reviewedAtOutput } from '#shared/services/factsheets.ts';
import { useDynalite } from '../support/hooks.ts';
import { bearer, createTestApp, TEST_CONFIG, testConfig } from '../support/http-app.ts';

const dynalite = useDynalite();

// Europe/London: GMT in January, BST (+01:00) in July.
const CASES: [string, string][] = [
  ['2026-01-15', '2026-01-15'],
  ['2026-01-15T09:30:00.000Z', '2026-01-15T09:30:00.000Z'],
  ['2026-01-15T09:30:00Z', '2026-01-15T09:30:00.000Z'],
  ['2026-01-15T09:30:00+01:00', '2026-01-15T08:30:00.000Z'],
  ['2026-07-15T09:30', '2026-07-15T08:30:00.000Z'],
  ['2026-01-15T09:30:00.5', '2026-01-15T09:30:00.500Z'],
];

describe('reviewedAtOutput', () => {
  it.each(CASES)('%s → %s', (given, output) => {
    expect(reviewedAtOutput(given, 'Europe/London')).toBe(output);
  });
});

describe('GET /api/factsheets with config instants', () => {
  it('outputs each configured reviewedAt in the contract form', async () => {
    const factsheets = CASES.map(([reviewedAt], index) => ({
      id: `sheet-${index}`,
      title: `Sheet ${index}`,
      url: `https://example.org/factsheets/${index}`,
      topics: ['housing'],
      reviewedAt,
    }));
    const t = await createTestApp({ dynalite, config: testConfig({ ...TEST_CONFIG, factsheets }) });
    const res = await t.app.request('/api/factsheets', { headers: bearer() });
    expect(res.status).toBe(200);
    const items = ((await res.json()) as { items: { reviewedAt: string }[] }).items;
    expect(items.map((item) => item.reviewedAt)).toEqual(CASES.map(([, output]) => output));
  });
});
