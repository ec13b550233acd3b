/**
 * A page region (a `page` source without `items`) matches topics against its source title and
 * the lines its change added: an old headline that matches stays silent when something unrelated
 * changes, and a change that adds nothing matching makes no alert.
 */

import { describe, expect, it } from 'vitest';
import { runPollCycle } from '#shared/services/poll.ts';
import { makeConfig, pageSourceEntry, topicEntry } from '../support/builders.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';
const page = (lines: string[]) =>
  `<!doctype html><html><body><main>${lines.map((line) => `<p>${line}</p>`).join('')}</main></body></html>`;

const db = useDynalite();
const server = useFixtureServer({
  '/news': {
    body: page(['Participatory budgeting in Tower Hamlets', 'Annual report']),
    contentType: 'text/html',
  },
});

function config() {
  return makeConfig({
    organisation: { name: 'Test Centre', contact: 'policy@example.org' },
    sources: [
      pageSourceEntry({
        id: 'sector-news',
        title: 'Sector news for councillors',
        url: `${server.origin}/news`,
        backfill: 'all',
        allowPrivateNetwork: true,
      }),
    ],
    topics: [
      topicEntry('pb'),
      { id: 'grants', title: 'Grants', query: 'grants' },
      { id: 'councillors', title: 'Councillors', query: 'title:councillors AND training' },
    ],
    factsheets: [],
    digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
  });
}

describe('page regions match what was added', () => {
  it('first alert: every line is added; later changes match only their added lines', async () => {
    const { store } = await db.newStore();
    const { deps, clock } = serviceDeps({ config: config(), store, now: NOW });
    const list = async () => (await deps.store.alerts.list({ limit: 100 })).items;

    const first = await runPollCycle(deps);
    expect(first.sources[0]).toMatchObject({ status: 'changed', alerts: 1 });
    expect((await list())[0]).toMatchObject({ kind: 'page-changed', topics: ['pb'] });

    // An unrelated line is added: the old PB headline is unchanged, so nothing matches.
    server.set('/news', {
      body: page(['Participatory budgeting in Tower Hamlets', 'Annual report', 'Office move']),
      contentType: 'text/html',
    });
    clock.advance(60 * 60 * 1000);
    const second = await runPollCycle(deps);
    expect(second.sources[0]).toMatchObject({ status: 'changed', updatedItems: 1, alerts: 0 });

    // Removing the matching line adds nothing: no alert.
    server.set('/news', { body: page(['Annual report', 'Office move']), contentType: 'text/html' });
    clock.advance(60 * 60 * 1000);
    expect((await runPollCycle(deps)).sources[0]).toMatchObject({ status: 'changed', alerts: 0 });

    // An added line that matches alerts only the topics it matches; the source title counts.
    server.set('/news', {
      body: page(['New grants for women’s groups', 'Training day', 'Annual report', 'Office move']),
      contentType: 'text/html',
    });
    clock.advance(60 * 60 * 1000);
    const fourth = await runPollCycle(deps);
    expect(fourth.sources[0]).toMatchObject({ alerts: 1 });
    const alerts = await list();
    expect(alerts).toHaveLength(2);
    const latest = alerts.find((alert) => alert.diff?.added.includes('Training day'));
    expect(latest).toMatchObject({ kind: 'page-changed', topics: ['grants', 'councillors'] });
    expect(latest?.matched).toEqual([
      { topic: 'grants', terms: ['grants'] },
      { topic: 'councillors', terms: ['title:councillors', 'training'] },
    ]);
  });
});
