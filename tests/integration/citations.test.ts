/**
 * Provision-level staleness end to end: factsheets cite the Localism Act (in the config, in their
 * own HTML page, in a PDF); a poll reads the pages, the Act's contents and its changes feed (an
 * implicit `cited-ukpga-2011-20` source); an effect on a cited provision flags a factsheet whose
 * topics did not match it (high), an effect outside every citation leaves severity normal.
 */

import { describe, expect, it } from 'vitest';
import { citedChangeText } from '#shared/domain/cited-evidence.ts';
import { createApp } from '#shared/http/app.ts';
import { listFactsheets } from '#shared/services/factsheets.ts';
import { runPollCycle } from '#shared/services/poll.ts';
import { fixture } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { changesFeed, type EffectSpec } from '../support/legislation-feed.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const EFFECTS: EffectSpec[] = [
  {
    key: 'key-e1',
    affectedProvisions: 's. 81(5)(a)',
    type: 'words substituted',
    affectingId: 'ukpga/2023/54',
    affectingTitle: 'Procurement Act 2023',
    affectingProvisions: 'Sch. 11 para. 45',
    inForce: ['2025-02-24'],
    modified: '2026-09-20T10:00:00Z',
  },
  {
    key: 'key-e2',
    affectedProvisions: 's. 1(4)',
    type: 'words inserted',
    affectingId: 'ukpga/2026/5',
    affectingTitle: 'Local Government Reform Act 2026',
    inForce: ['2027-01-01'],
    modified: '2026-09-22T10:00:00Z',
  },
  {
    key: 'key-e3',
    affectedProvisions: 's. 230',
    type: 'repealed',
    affectingId: 'ukpga/2026/9',
    affectingTitle: 'Housing Act 2026',
    inForce: ['2026-06-01'],
    modified: '2026-09-21T10:00:00Z',
  },
  {
    key: 'key-e4',
    affectedProvisions: 's. 82',
    type: 'words omitted',
    affectingId: 'ukpga/2009/20',
    affectingTitle: 'Local Democracy Act 2009',
    inForce: ['2010-01-01'],
    modified: '2010-01-01T10:00:00Z',
  },
];
const PAGE = `<!doctype html><html><head><title>Right to challenge</title><script>var s = "s. 99";</script></head>
<body><main><h1>The community right to challenge</h1>
<p>The right is in the <a href="https://www.legislation.gov.uk/ukpga/2011/20/contents">Localism Act 2011</a>.</p>
<p>A relevant body may submit an expression of interest under s. 81(5).</p></main></body></html>`;

const db = useDynalite();
const server = useFixtureServer({
  '/legislation/changes/affected/ukpga/2011/20/data.feed': {
    body: changesFeed('ukpga/2011/20', 'Localism Act 2011', EFFECTS),
    contentType: 'application/atom+xml',
  },
  '/legislation/ukpga/2011/20/contents/data.xml': {
    body: fixture('legislation-ukpga-2011-20-contents-constructed.xml'),
    contentType: 'application/xml',
  },
  '/factsheets/challenge.html': { body: PAGE, contentType: 'text/html; charset=utf-8' },
  '/factsheets/challenge.pdf': { body: fixture('factsheet-citations.pdf'), contentType: 'application/pdf' },
  '/factsheets/gone.html': { fault: { kind: 'status', status: 404 } },
});

function config() {
  const sheet = (id: string, extra: Record<string, unknown>) => ({
    id,
    title: `Factsheet ${id}`,
    topics: [],
    reviewedAt: '2026-01-01',
    ...extra,
  });
  const page = (path: string) => ({
    url: `${server.origin}${path}`,
    readCitations: true,
    allowPrivateNetwork: true,
  });
  return configFrom({
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: [],
    topics: [{ id: 'housing', title: 'Housing', query: 'housing' }],
    factsheets: [
      sheet('other', { topics: ['housing'], cites: ['ukpga/2011/20/section/2'] }),
      sheet('fresh', { cites: ['ukpga/2011/20/schedule/5'] }),
      sheet('challenge', { cites: ['UKPGA/2011/20/Part/5/Chapter/2'] }),
      sheet('gpc', { cites: ['ukpga/2011/20/section/1'], reviewedAt: '2026-09-21' }),
      sheet('page', page('/factsheets/challenge.html')),
      sheet('pdf', page('/factsheets/challenge.pdf')),
      sheet('gone', { ...page('/factsheets/gone.html'), cites: ['ukpga/2011/20/section/999'] }),
    ],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
    legislation: { baseUrl: `${server.origin}/legislation`, allowPrivateNetwork: true },
  });
}

describe('citations and provision-level staleness', () => {
  it('polls the cited Act, flags factsheets by provision, and explains why', async () => {
    const { store } = await db.newStore();
    const { deps } = serviceDeps({ config: config(), store, now: NOW });

    const report = await runPollCycle(deps);
    expect(report.sources).toEqual([
      expect.objectContaining({ id: 'cited-ukpga-2011-20', status: 'changed', items: 4, alerts: 3 }),
    ]);
    const alerts = (await store.alerts.list({ limit: 100 })).items;
    const byProvision = Object.fromEntries(alerts.map((a) => [a.legislation?.provisions.affected, a.topics]));
    // Inside the window every effect is alerted, topics or not; the 2010 effect is before it.
    expect(byProvision).toEqual({ 's. 81(5)(a)': [], 's. 1(4)': [], 's. 230': ['housing'] });

    const sheets = await listFactsheets(deps);
    expect(sheets.map((sheet) => [sheet.id, sheet.severity])).toEqual([
      ['challenge', 'high'],
      ['page', 'high'],
      ['pdf', 'high'],
      ['gpc', 'high'],
      ['other', 'normal'],
      ['fresh', null],
      ['gone', null],
    ]);
    const byId = Object.fromEntries(sheets.map((sheet) => [sheet.id, sheet]));
    expect(byId.challenge!.evidence.map((alert) => alert.because)).toEqual([
      { reason: 'cites', citation: 'ukpga/2011/20/part/5/chapter/2', provision: 's. 81(5)(a)' },
    ]);
    expect(byId.other!.evidence.map((alert) => alert.because)).toEqual([
      { reason: 'topic', topics: ['housing'] },
    ]);
    expect(byId.page!.citations).toEqual([
      { ref: 'ukpga/2011/20', from: 'page', text: 'Localism Act 2011' },
      { ref: 'ukpga/2011/20/section/81/5', from: 'page', text: 's. 81(5)' },
    ]);
    // The whole-Act link holds every effect; the most specific citation is named.
    expect(byId.page!.evidence.map((alert) => alert.because)).toContainEqual({
      reason: 'cites',
      citation: 'ukpga/2011/20/section/81/5',
      provision: 's. 81(5)(a)',
    });
    expect(byId.pdf!.citations.map((citation) => citation.ref)).toEqual([
      'ukpga/2011/20/part/5/chapter/2',
      'ukpga/2011/20/section/81/5',
      'ukpga/2011/20/section/87',
      'ukpga/2011/20/section/88',
      'ukpga/2011/20/section/89',
      'ukpga/2011/20/schedule/2/paragraph/3',
    ]);
    expect(byId.gone!.citationsRead).toEqual({ readAt: null, error: expect.stringMatching(/404/) });
    expect(byId.gone!.citations).toEqual([{ ref: 'ukpga/2011/20/section/999', from: 'config' }]);

    const today = '2026-10-01';
    expect(citedChangeText(byId.challenge!.evidence[0]!, today)).toBe(
      's. 81(5)(a) words substituted by the Procurement Act 2023, in force 2025-02-24',
    );
    expect(citedChangeText(byId.gpc!.evidence[0]!, today)).toBe(
      's. 1(4) words inserted by the Local Government Reform Act 2026, comes into force on 2027-01-01',
    );

    const app = createApp(deps);
    const sources = (await (await app.request('/api/sources')).json()) as {
      items: { id: string; url: string }[];
    };
    expect(sources.items).toEqual([
      expect.objectContaining({
        id: 'cited-ukpga-2011-20',
        url: `${server.origin}/legislation/changes/affected/ukpga/2011/20/data.feed`,
        lastStatus: 'changed',
      }),
    ]);
    const health = (await (await app.request('/api/health')).json()) as { sources: { id: string }[] };
    expect(health.sources.map((source) => source.id)).toEqual(['cited-ukpga-2011-20']);
    const api = (await (
      await app.request('/api/factsheets?stale=true', { headers: { Authorization: 'Bearer test-staff-key' } })
    ).json()) as {
      items: { id: string; severity: string; citations: unknown[]; evidence: { because: unknown }[] }[];
    };
    expect(api.items[0]).toMatchObject({
      id: 'challenge',
      severity: 'high',
      citations: [{ ref: 'ukpga/2011/20/part/5/chapter/2', from: 'config' }],
    });
    expect(api.items[0]!.evidence[0]!.because).toEqual({
      reason: 'cites',
      citation: 'ukpga/2011/20/part/5/chapter/2',
      provision: 's. 81(5)(a)',
    });

    // poll --source accepts the implicit source; a re-poll (304) alerts nothing.
    const again = await runPollCycle(deps, { sourceIds: ['cited-ukpga-2011-20'] });
    expect(again.sources.map((source) => source.status)).toEqual(['not-modified']);
    expect(again.alerts).toEqual([]);
  });

  it('holds part and chapter citations to their own paths while the contents are unknown', async () => {
    const { store } = await db.newStore();
    server.set('/legislation/ukpga/2011/20/contents/data.xml', { fault: { kind: 'status', status: 503 } });
    try {
      const { deps } = serviceDeps({ config: config(), store, now: NOW });
      await runPollCycle(deps);
      const sheets = Object.fromEntries((await listFactsheets(deps)).map((sheet) => [sheet.id, sheet]));
      expect(sheets.challenge!.severity).toBe(null);
      expect(sheets.gpc!.severity).toBe('high');
      const contents = await store.legislation.contents('ukpga/2011/20');
      expect(contents).toMatchObject({ containers: null, error: expect.stringMatching(/503/) });
    } finally {
      server.set('/legislation/ukpga/2011/20/contents/data.xml', {
        body: fixture('legislation-ukpga-2011-20-contents-constructed.xml'),
        contentType: 'application/xml',
      });
    }
  });

  it('resolves Act names from titles polls have seen in legislation.gov.uk data', async () => {
    const { store } = await db.newStore();
    server.set('/legislation/new/data.feed', {
      body: fixture('legislation-new-data-feed-2015.xml'),
      contentType: 'application/atom+xml',
    });
    server.set('/factsheets/rating.html', {
      body: '<p>Under regulation 3 of the Non-Domestic Rating (Levy and Safety Net) (Amendment) (No. 2) Regulations 2015 the levy changes.</p>',
      contentType: 'text/html',
    });
    const raw = {
      organisation: { name: 'Test Centre', contact: 'policy@example.org' },
      sources: [
        {
          id: 'leg-new',
          kind: 'feed',
          url: `${server.origin}/legislation/new/data.feed`,
          allowPrivateNetwork: true,
          backfill: 'none',
          maxPages: 1,
        },
      ],
      topics: [{ id: 'housing', title: 'Housing', query: 'housing' }],
      factsheets: [
        {
          id: 'rating',
          title: 'Business rates',
          topics: [],
          url: `${server.origin}/factsheets/rating.html`,
          readCitations: true,
          allowPrivateNetwork: true,
          reviewedAt: '2026-01-01',
        },
      ],
      digests: { from: 'alerts@example.org' },
      legislation: { baseUrl: `${server.origin}/legislation`, allowPrivateNetwork: true },
    };
    const { deps } = serviceDeps({ config: configFrom(raw), store, now: NOW });
    // The first cycle records the titles; the page was read before them, so nothing resolved yet.
    await runPollCycle(deps, { sourceIds: ['leg-new'] });
    const titles = await store.legislation.titles();
    expect(titles.get('non-domestic rating (levy and safety net) (amendment) (no. 2) regulations 2015')).toBe(
      'uksi/2015/2039',
    );
    // A day later the page is read again, now with the title known.
    const later = serviceDeps({ config: configFrom(raw), store, now: '2026-10-02T12:30:00.000Z' });
    await runPollCycle(later.deps);
    const [sheet] = await listFactsheets(later.deps);
    expect(sheet!.citations).toEqual([
      {
        ref: 'uksi/2015/2039/regulation/3',
        from: 'page',
        text: 'regulation 3 of the Non-Domestic Rating (Levy and Safety Net) (Amendment) (No. 2) Regulations 2015',
      },
    ]);
  });
});
