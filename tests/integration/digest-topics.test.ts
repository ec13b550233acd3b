/**
 * Digests when the config's topics and a subscriber's stored topics disagree: a topic removed
 * from the config keeps its alerts queryable (docs/contract.md §2) but is no longer one of anyone's
 * "current topics" (docs/contract.md §4), so it neither fills nor empties an email.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { runDigest } from '#shared/services/digest.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { makeConfig, makeLegislationAlert, makeSubscriber, topicEntry } from '../support/builders.ts';
import { useTestStore } from '../support/hooks.ts';
import { MemoryMailer, serviceDeps } from '../support/service-deps.ts';

const START = '2026-11-26T07:00:00.000Z';
const db = useTestStore();
let mailer: MemoryMailer;
let deps: ServiceDeps;

beforeEach(() => {
  mailer = new MemoryMailer();
  // The config after an edit: `retired` was removed, `charity` stays.
  ({ deps } = serviceDeps({
    config: makeConfig({ topics: [topicEntry('charity', { query: 'charity' })] }),
    store: db.store,
    now: START,
    mailer,
  }));
});

async function addSubscriber(email: string, topics: string[]): Promise<void> {
  await db.store.subscribers.put(
    makeSubscriber({ email, topics, createdAt: '2026-11-01T00:00:00.000Z', version: 7 }),
  );
}

async function addAlert(id: string, topics: string[]): Promise<Alert> {
  const alert = makeLegislationAlert({
    id,
    topics,
    title: `Alert ${id}`,
    url: `https://www.legislation.gov.uk/uksi/2026/${id}`,
    at: '2026-11-20T09:00:00.000Z',
  });
  expect(await db.store.alerts.create(alert)).toBe(true);
  return alert;
}

describe('digests and topics removed from the config', () => {
  it('sends no empty email for alerts only on a removed topic, and records nothing', async () => {
    await addSubscriber('ann@example.org', ['retired']);
    await addAlert('r1', ['retired']);
    expect(await runDigest(deps, { frequency: 'daily' })).toEqual({ sent: [], failed: [], skipped: 1 });
    expect(mailer.sent).toEqual([]);
    expect(await db.store.deliveries.list('ann@example.org')).toEqual([]);
  });

  it('counts and sends only the alerts on current topics', async () => {
    await addSubscriber('bob@example.org', ['retired', 'charity']);
    await addAlert('r2', ['retired']);
    const kept = await addAlert('c1', ['charity']);
    const report = await runDigest(deps, { frequency: 'daily' });
    expect(report.sent).toEqual([{ email: 'bob@example.org', messageId: 'memory-1', alerts: 1 }]);
    const raw = mailer.sent[0]?.raw.toString('utf8') ?? '';
    expect(raw).toContain('Subject: [Test Org] 1 new alert: Charity law');
    expect((await db.store.deliveries.list('bob@example.org')).map((d) => d.alertId)).toEqual([kept.id]);
  });
});
