/**
 * A digest run lists its subscribers once (from an index that may lag on AWS) and can take
 * minutes: the stored record, read just before sending, decides whether and how to send.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '#shared/domain/ports.ts';
import type { Subscriber } from '#shared/domain/types.ts';
import { verifyToken } from '#shared/mail/tokens.ts';
import { runDigest } from '#shared/services/digest.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { makeConfig, makeLegislationAlert, makeSubscriber, topicEntry } from '../support/builders.ts';
import { useTestStore } from '../support/hooks.ts';
import { MemoryMailer, serviceDeps } from '../support/service-deps.ts';

const START = '2026-11-26T07:00:00.000Z';
const db = useTestStore();
let mailer: MemoryMailer;
let deps: ServiceDeps;
/** What the run's listing returns: the subscribers as they were when the run began. */
let snapshot: Subscriber[];

beforeEach(async () => {
  const { store } = db;
  mailer = new MemoryMailer();
  const config = makeConfig({ topics: [topicEntry('charity')] });
  const stale: Store = {
    ...store,
    subscribers: { ...store.subscribers, listConfirmed: async () => snapshot },
  };
  ({ deps } = serviceDeps({ config, store: stale, now: START, mailer }));
  const alert = makeLegislationAlert({
    id: 'c1',
    topics: ['charity'],
    title: 'Charities (Amendment) Regulations 2026',
    url: 'https://www.legislation.gov.uk/uksi/2026/1',
    at: '2026-11-20T09:00:00.000Z',
  });
  expect(await store.alerts.create(alert)).toBe(true);
});

const listed = makeSubscriber({
  topics: ['charity'],
  createdAt: '2026-11-01T00:00:00.000Z',
  version: 11,
});

describe('digest runs read the subscriber again before sending', () => {
  it.each<{ name: string; now: Partial<Subscriber> | null }>([
    { name: 'unsubscribed since the listing', now: { status: 'unsubscribed' } },
    { name: 'suppressed since the listing', now: { status: 'suppressed', suppressedReason: 'bounce' } },
    { name: 'moved to the weekly digest', now: { frequency: 'weekly' } },
    { name: 'deleted by staff', now: null },
  ])('sends nothing to someone $name', async ({ now }) => {
    snapshot = [listed];
    if (now) await db.store.subscribers.put({ ...listed, ...now });
    expect(await runDigest(deps, { frequency: 'daily' })).toEqual({ sent: [], failed: [], skipped: 1 });
    expect(mailer.sent).toEqual([]);
  });

  it('links carry the current subscription version', async () => {
    snapshot = [listed];
    await db.store.subscribers.put({ ...listed, version: 12 });
    expect((await runDigest(deps, { frequency: 'daily' })).sent).toHaveLength(1);
    const raw = mailer.sent[0]?.raw.toString('latin1') ?? '';
    const token = /unsubscribe\?token=([A-Za-z0-9._-]+)>/.exec(raw.replace(/\r\n[ \t]/g, ''))?.[1] ?? '';
    const verified = verifyToken(token, 'unsubscribe', 'test-signing-secret', new Date(START));
    expect(verified.ok && verified.payload.version).toBe(12);
  });
});
