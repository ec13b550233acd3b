/**
 * The wording of cited changes, byte for byte: the digest's "Factsheets that may need revising"
 * and the dashboard's factsheet cards (high severity first, each cited provision named with its
 * effect, the Act that made it and when it is or comes into force).
 */
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { EvidenceAlert } from '#shared/domain/cited-evidence.ts';
import { citedChangeText } from '#shared/domain/cited-evidence.ts';
import { Dashboard } from '#shared/http/pages/staff-dashboard.tsx';
import { renderDigest } from '#shared/mail/render-digest.ts';
import type { FactsheetView } from '#shared/services/factsheets.ts';
import { makeEffectAlert } from '../../support/builders.ts';

const TODAY = '2026-10-01';

function effect(
  id: string,
  provisions: string,
  effectType: string,
  affecting: string,
  dates: string[],
): EvidenceAlert {
  return {
    ...makeEffectAlert(
      {
        provisions,
        affecting,
        effect: effectType,
        inForce: dates.map((date) => ({ date, qualification: 'wholly in force' })),
      },
      {
        id,
        title: `${affecting} effect on Localism Act 2011`,
        url: 'https://www.legislation.gov.uk/ukpga/2011/20/section/81',
        whatChanged: `${provisions} ${effectType} by ${affecting}`,
      },
    ),
    because: { reason: 'cites', citation: 'ukpga/2011/20/part/5/chapter/2', provision: provisions },
  };
}

const E1 = effect('e1', 's. 81(5)(a)', 'words substituted', 'Procurement Act 2023', ['2025-02-24']);
const E2 = effect('e2', 's. 1(4)', 'words inserted', 'Local Government Reform Act 2026', ['2027-01-01']);
const TOPICAL: EvidenceAlert = {
  ...effect('e3', 's. 230', 'repealed', 'Housing Act 2026', ['2026-06-01']),
  topics: ['housing'],
  because: { reason: 'topic', topics: ['housing'] },
};

function sheet(id: string, overrides: Partial<FactsheetView>): FactsheetView {
  return {
    id,
    title: `Factsheet ${id}`,
    url: `https://example.org/factsheets/${id}`,
    topics: [],
    reviewedAt: '2026-01-01',
    citations: [],
    stale: false,
    staleSince: null,
    severity: null,
    evidenceCount: 0,
    evidence: [],
    citationsRead: null,
    ...overrides,
  };
}

const SHEETS: FactsheetView[] = [
  sheet('challenge', {
    title: 'Community right to challenge',
    citations: [{ ref: 'ukpga/2011/20/part/5/chapter/2', from: 'config' }],
    stale: true,
    staleSince: E1.changedAt,
    severity: 'high',
    evidenceCount: 1,
    evidence: [E1],
  }),
  sheet('gpc', {
    title: 'The general power of competence',
    citations: [{ ref: 'ukpga/2011/20/section/1/4', from: 'page', text: 's. 1(4)' }],
    stale: true,
    staleSince: E2.changedAt,
    severity: 'high',
    evidenceCount: 1,
    evidence: [
      { ...E2, because: { reason: 'cites', citation: 'ukpga/2011/20/section/1/4', provision: 's. 1(4)' } },
    ],
    citationsRead: { readAt: '2026-09-30T12:00:00.000Z', error: 'HTTP 404 Not Found' },
  }),
  sheet('housing', {
    title: 'Housing rights',
    topics: ['housing'],
    citations: [{ ref: 'ukpga/2011/20/section/2', from: 'config' }],
    stale: true,
    staleSince: TOPICAL.changedAt,
    severity: 'normal',
    evidenceCount: 1,
    evidence: [TOPICAL],
  }),
  sheet('fresh', { title: 'Up to date', topics: ['housing'] }),
];

describe('cited change wording', () => {
  it('digest: Factsheets that may need revising', async () => {
    const email = renderDigest({
      organisation: { name: 'Test Centre', contact: 'policy@example.org' },
      timezone: 'Europe/London',
      topics: [{ id: 'housing', title: 'Housing' }],
      subscriber: { topics: ['housing'], frequency: 'daily' },
      alerts: [TOPICAL],
      factsheets: SHEETS.filter((s) => s.stale).map((s) => ({
        title: s.title,
        url: s.url,
        changes: s.evidence.filter((a) => a.because.reason === 'cites').map((a) => citedChangeText(a, TODAY)),
      })),
      links: {
        manage: 'http://localhost:3000/manage?token=M',
        unsubscribe: 'http://localhost:3000/unsubscribe?token=U',
      },
    });
    expect(email.text).toContain(
      '  Changed: s. 81(5)(a) words substituted by the Procurement Act 2023, in force 2025-02-24',
    );
    expect(email.text).toContain(
      '  Changed: s. 1(4) words inserted by the Local Government Reform Act 2026, comes into force on 2027-01-01',
    );
    await expect(email.text).toMatchFileSnapshot('../../golden/digest-cited.txt');
    await expect(email.html).toMatchFileSnapshot('../../golden/digest-cited.html');
  });

  it('dashboard: every factsheet, high severity first, cited changes named', async () => {
    const html = `${Dashboard({
      organisation: 'Test Centre',
      zone: 'Europe/London',
      factsheets: SHEETS,
      csrf: {},
      alerts: [],
      nextCursor: null,
      filters: { topic: null, source: null },
      topics: [],
      sources: [],
      flash: null,
      today: TODAY,
      feedback: {
        judged: {},
        csrfJudge: '',
        csrfMissed: '',
        back: '/staff',
        topics: [],
        quality: [],
        falseTerm: null,
      },
    })}`;
    const $ = cheerio.load(html);
    const lines = $('section[aria-labelledby="factsheets"]')
      .find('h3, p')
      .toArray()
      .map((element) => $(element).text().replace(/\s+/g, ' ').trim());
    expect(lines).toContain('s. 81(5)(a) words substituted by the Procurement Act 2023, in force 2025-02-24');
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('../../golden/dashboard-factsheets.txt');
  });
});
