/**
 * Feed paging (docs/contract.md §2): `rel="next"` is followed up to `maxPages`, stopping early at a page with
 * nothing new; validators are kept for the first page only.
 */

import { describe, expect, it } from 'vitest';
import { runPollCycle } from '#shared/services/poll.ts';
import { useDynalite, useFixtureServer } from '../support/hooks.ts';
import { configFrom, serviceDeps } from '../support/service-deps.ts';

const NOW = '2026-10-01T12:00:00.000Z';

/** An Atom page of entries `ids`, linking to page `next` when given. */
function atomPage(ids: string[], next: number | null): string {
  const entries = ids
    .map(
      (id) => `<entry><id>tag:example.org,2026:${id}</id><title>Councillor guidance ${id}</title>
<link rel="alternate" type="text/html" href="/items/${id}"/><updated>2026-09-20T10:00:00Z</updated>
<summary>Guidance for councillors (${id}).</summary></entry>`,
    )
    .join('\n');
  const nextLink = next === null ? '' : `<link rel="next" href="${server.url(`/feed?page=${next}`)}"/>`;
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<id>tag:example.org,2026:feed</id><title>Paged</title><updated>2026-09-20T10:00:00Z</updated>${nextLink}
${entries}</feed>`;
}

function serve(pages: string[][]) {
  // The first page is the feed URL itself; later pages are `/feed?page=N` routes.
  pages.forEach((ids, index) => {
    const path = index === 0 ? '/feed' : `/feed?page=${index + 1}`;
    server.set(path, {
      body: atomPage(ids, index + 1 < pages.length ? index + 2 : null),
      contentType: 'application/atom+xml',
    });
  });
}

const db = useDynalite();
const server = useFixtureServer();

describe('feed paging', () => {
  it('follows rel="next" up to maxPages, then only while pages bring news', async () => {
    serve([
      ['a1', 'a2'],
      ['b1', 'b2'],
      ['c1', 'c2'],
      ['d1', 'd2'],
    ]);
    const { store } = await db.newStore();
    const config = configFrom({
      organisation: { name: 'Test', contact: 'policy@example.org' },
      sources: [
        {
          id: 'paged',
          kind: 'feed',
          url: server.url('/feed'),
          allowPrivateNetwork: true,
          backfill: 'all',
          maxPages: 3,
        },
      ],
      topics: [{ id: 'councillors', title: 'Councillors', query: 'councillor' }],
      digests: { from: 'alerts@example.org' },
    });
    const { deps, clock } = serviceDeps({ config, store, now: NOW });

    const first = await runPollCycle(deps);
    expect(first.sources[0]).toMatchObject({ status: 'changed', items: 6, newItems: 6, alerts: 6 });
    expect(server.hits('/feed?page=3')).toBe(1);
    expect(server.hits('/feed?page=4')).toBe(0);

    // A new entry on page 1: page 2 is fetched (page 1 had news) and brings nothing, so paging
    // stops there; later pages' requests carry no validators.
    serve([
      ['a0', 'a1'],
      ['a2', 'b1'],
      ['b2', 'c1'],
      ['c2', 'd1'],
    ]);
    clock.advance(3_600_000);
    const second = await runPollCycle(deps);
    expect(second.sources[0]).toMatchObject({ status: 'changed', newItems: 1, alerts: 1 });
    expect(server.hits('/feed?page=2')).toBe(2);
    expect(server.hits('/feed?page=3')).toBe(1);
    expect(server.requests('/feed?page=2').at(-1)?.['if-none-match']).toBeUndefined();
    expect(server.requests('/feed').at(-1)?.['if-none-match']).toBeTruthy();
  });
});
