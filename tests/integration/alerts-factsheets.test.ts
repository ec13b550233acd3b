/**
 * From recorded feeds to stale factsheets: a poll cycle produces the expected alerts per topic
 * (with GOV.UK Content API enrichment, skipped when unreachable), a re-run produces none, a
 * review clears a factsheet and a newer matching item flags it again.
 */

import { describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { listFactsheets, reviewFactsheet } from '#shared/services/factsheets.ts';
import { runPollCycle } from '#shared/services/poll.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixture } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const CHANGES = fixture('legislation-changes-affected-ukpga-2018-12.feed.xml').toString('utf8');
const PAPER = '/government/publications/strategy-for-dealing-with-safeguarding-issues-in-charities';
const search = (timestamp: string) =>
  JSON.stringify({
    results: [
      {
        title: 'Charity Commission: strategy for dealing with safeguarding issues in charities',
        link: PAPER,
        description: 'How the Charity Commission deals with safeguarding issues in charities.',
        public_timestamp: timestamp,
        content_store_document_type: 'policy_paper',
      },
      {
        title: 'Charities and outsourced services: guidance',
        link: '/guidance/charities-outsourced-services',
        description: 'Guidance for charities delivering public services.',
        public_timestamp: '2026-09-20T09:00:00.000+01:00',
      },
      {
        title: 'Tax your vehicle',
        link: '/vehicle-tax',
        description: 'Renew vehicle tax',
        public_timestamp: '2026-09-01T09:00:00Z',
      },
    ],
    total: 3,
    start: 0,
  });

const db = useDynalite();
const server = useFixtureServer({
  '/changes.feed': { body: CHANGES, contentType: 'application/atom+xml' },
  '/api/search.json': { body: search('2026-09-28T10:00:00.000+01:00'), contentType: 'application/json' },
  [`/api/content${PAPER}`]: {
    body: fixture('govuk-content-api-publication-policy-paper.json'),
    contentType: 'application/json',
  },
  '/api/content/guidance/charities-outsourced-services': { fault: { kind: 'status', status: 503 } },
});

function config() {
  const src = (id: string, kind: string, path: string) => ({
    id,
    kind,
    url: `${server.origin}${path}`,
    allowPrivateNetwork: true,
    backfill: '90d',
  });
  return configFrom({
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: [src('leg-changes', 'feed', '/changes.feed'), src('govuk', 'govuk-search', '/api/search.json')],
    topics: [
      { id: 'data-protection', title: 'Data protection', query: 'legislation:ukpga/2018/12' },
      { id: 'charities', title: 'Charities', query: 'charities OR safeguarding' },
      { id: 'outsourcing', title: 'Outsourcing', query: 'outsourced OR outsourcing' },
    ],
    factsheets: [
      {
        id: 'dp-sheet',
        title: 'Data protection for groups',
        topics: ['data-protection'],
        reviewedAt: '2026-01-31',
      },
      { id: 'charity-sheet', title: 'Running a charity', topics: ['charities'], reviewedAt: '2026-09-30' },
      { id: 'fresh-sheet', title: 'Outsourcing', topics: ['outsourcing'], reviewedAt: '2026-09-30' },
    ],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  });
}

const sheetsById = async (deps: ServiceDeps) =>
  Object.fromEntries((await listFactsheets(deps)).map((sheet) => [sheet.id, sheet]));

const topicsOf = (alerts: Alert[]) =>
  Object.fromEntries(alerts.map((alert) => [alert.title, alert.topics])) as Record<string, string[]>;

describe('alerts and stale factsheets', () => {
  it('alerts per topic, enriches GOV.UK items, flags and clears factsheets', async () => {
    const { store } = await db.newStore();
    const { deps, clock } = serviceDeps({ config: config(), store, now: NOW });

    const first = await runPollCycle(deps);
    expect(first.sources.map((source) => source.status)).toEqual(['changed', 'changed']);
    const alerts = (await store.alerts.list({ limit: 100 })).items;
    expect(alerts).toHaveLength(5);
    const topics = topicsOf(alerts);
    expect(topics['Charity Commission: strategy for dealing with safeguarding issues in charities']).toEqual([
      'charities',
    ]);
    expect(topics['Charities and outsourced services: guidance']).toEqual(['charities', 'outsourcing']);
    expect(alerts.filter((alert) => alert.topics.includes('data-protection'))).toHaveLength(3);

    const paper = alerts.find((alert) => alert.url.endsWith(PAPER));
    expect(paper?.url).toBe(`${server.origin}${PAPER}`);
    expect(paper?.matched).toEqual([{ topic: 'charities', terms: expect.arrayContaining(['safeguarding']) }]);
    // The Content API answered: the line says what kind of document it is (new) and when.
    expect(paper?.whatChanged).toMatch(/policy paper/i);
    // The Content API failed for this one: the alert is made anyway, without enrichment.
    const guidance = alerts.find((alert) => alert.url.endsWith('/guidance/charities-outsourced-services'));
    expect(guidance?.whatChanged).toBeTruthy();
    const effect = alerts.find((alert) => alert.legislation);
    expect(effect?.matched).toEqual([{ topic: 'data-protection', terms: ['legislation:ukpga/2018/12'] }]);

    const sheets = await sheetsById(deps);
    expect(sheets['dp-sheet']).toMatchObject({
      stale: true,
      evidenceCount: 3,
      staleSince: '2026-09-25T14:19:14.000Z',
    });
    // Reviewed 2026-09-30 (end of day): only the GOV.UK paper updated on the 28th… is older, so fresh.
    expect(sheets['charity-sheet']).toMatchObject({ stale: false, evidenceCount: 0 });
    expect(sheets['fresh-sheet']?.stale).toBe(false);

    clock.advance(60 * 60 * 1000);
    const again = await runPollCycle(deps);
    expect(again.alerts).toEqual([]);
    expect((await store.alerts.list({ limit: 100 })).items).toHaveLength(5);

    const reviewed = await reviewFactsheet(deps, 'dp-sheet', {
      note: 'Checked against the 2026 regulations',
    });
    expect(reviewed).toMatchObject({ ok: true, factsheet: { stale: false, evidenceCount: 0 } });

    // A newer effect arrives: the reviewed factsheet is stale again, with just that evidence.
    clock.advance(60 * 60 * 1000);
    const newer = CHANGES.replace(
      'key-afc4da5af850ada1378557cf240207e0/modified/2026-09-25T14:19:14Z</id>',
      'key-afc4da5af850ada1378557cf240207e0/modified/2026-10-01T13:30:00Z</id>',
    ).replace('<updated>2026-09-25T14:19:14Z</updated>', '<updated>2026-10-01T13:30:00Z</updated>');
    server.set('/changes.feed', { body: newer, contentType: 'application/atom+xml' });
    // The GOV.UK paper is updated too: the charity factsheet becomes stale.
    server.set('/api/search.json', {
      body: search('2026-10-01T13:00:00.000+01:00'),
      contentType: 'application/json',
    });
    try {
      const third = await runPollCycle(deps);
      expect(third.alerts).toHaveLength(2);
      const after = await sheetsById(deps);
      expect(after['dp-sheet']).toMatchObject({
        stale: true,
        evidenceCount: 1,
        staleSince: '2026-10-01T13:30:00.000Z',
      });
      expect(after['charity-sheet']).toMatchObject({ stale: true, evidenceCount: 1 });
      const update = after['charity-sheet']?.evidence[0];
      expect(update).toMatchObject({ kind: 'updated', changedAt: '2026-10-01T12:00:00.000Z' });
      expect(update?.whatChanged).toMatch(/^Updated/);
      // Both normal severity: the one stale since earlier comes first.
      const stale = await listFactsheets(deps, { stale: true });
      expect(stale.map((sheet) => [sheet.id, sheet.severity, sheet.staleSince])).toEqual(
        [...stale]
          .sort((a, b) => Date.parse(a.staleSince!) - Date.parse(b.staleSince!))
          .map((sheet) => [sheet.id, 'normal', sheet.staleSince]),
      );
      expect(stale.map((sheet) => sheet.id).sort()).toEqual(['charity-sheet', 'dp-sheet']);
    } finally {
      server.set('/changes.feed', { body: CHANGES, contentType: 'application/atom+xml' });
      server.set('/api/search.json', {
        body: search('2026-09-28T10:00:00.000+01:00'),
        contentType: 'application/json',
      });
    }
  });
});
