/**
 * The digest watermark: a run that leaves nothing behind records how far it got, so the next run
 * reads alerts from there (less an overlap) instead of everything since confirmation; a changed
 * choice of topics or a re-confirmation brings back the backlog docs/contract.md §4 promises.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Mailer, RawEmail, Store } from '#shared/domain/ports.ts';
import type { Alert, DigestWatermark, Subscriber } from '#shared/domain/types.ts';
import { runDigest } from '#shared/services/digest.ts';
import { digestFrom, WATERMARK_OVERLAP_MS } from '#shared/services/digest-plan.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { makeLegislationAlert, makeSubscriber } from '../support/builders.ts';
import { useDynalite } from '../support/hooks.ts';
import { mailDeps } from '../support/mail-harness.ts';

const CONFIRMED = '2026-01-01T00:00:00.000Z';

describe('digestFrom', () => {
  const mark = (over: Partial<DigestWatermark> = {}): DigestWatermark => ({
    through: '2026-06-01T12:00:00.000Z',
    topics: ['a', 'b'],
    confirmedAt: CONFIRMED,
    ...over,
  });
  const lessOverlap = new Date(Date.parse('2026-06-01T12:00:00.000Z') - WATERMARK_OVERLAP_MS).toISOString();
  it.each([
    ['no watermark', null, ['a', 'b'], CONFIRMED],
    ['a matching watermark, less the overlap', mark(), ['b', 'a'], lessOverlap],
    ['topics changed since', mark(), ['a', 'b', 'c'], CONFIRMED],
    ['re-confirmed since', mark({ confirmedAt: '2026-03-01T00:00:00.000Z' }), ['a', 'b'], CONFIRMED],
    [
      'a watermark within the overlap of confirmation',
      mark({ through: '2026-01-01T00:30:00.000Z' }),
      ['a', 'b'],
      CONFIRMED,
    ],
  ])('%s', (_name, watermark, topics, want) => {
    expect(digestFrom(CONFIRMED, topics, watermark)).toBe(want);
  });
});

let store: Store;
let deps: ServiceDeps;
let clock: ReturnType<typeof fixedClock>;
let sent: RawEmail[];
let reads: string[];

const db = useDynalite();

beforeEach(async () => {
  const test = await db.newStore();
  // Record where each run starts reading, to see the watermark at work.
  reads = [];
  store = {
    ...test.store,
    alerts: {
      ...test.store.alerts,
      create: test.store.alerts.create.bind(test.store.alerts),
      get: test.store.alerts.get.bind(test.store.alerts),
      list: test.store.alerts.list.bind(test.store.alerts),
      listDetectedSince: (topics, from) => {
        reads.push(from);
        return test.store.alerts.listDetectedSince(topics, from);
      },
    },
  };
  sent = [];
  const mailer: Mailer = {
    async sendRaw(email) {
      sent.push(email);
      return { messageId: `m-${sent.length}` };
    },
  };
  clock = fixedClock('2026-11-26T07:00:00.000Z');
  deps = mailDeps({ store, mailer, clock });
});

let counter = 0;
async function alert(topics: string[]): Promise<Alert> {
  counter++;
  const created = makeLegislationAlert({
    id: `wm-${counter}`,
    topics,
    matched: topics.map((topic) => ({ topic, terms: ['x'] })),
    url: `https://www.legislation.gov.uk/uksi/2026/${counter}`,
    title: `Alert ${counter}`,
    whatChanged: 'New',
    at: clock.now().toISOString(),
    publishedAt: null,
  });
  await store.alerts.create(created);
  return created;
}

async function subscriber(topics: string[]): Promise<Subscriber> {
  const record = makeSubscriber({ email: 'wm@example.org', topics, createdAt: clock.now().toISOString() });
  await store.subscribers.put(record);
  return record;
}

const day = () => clock.advance(24 * 60 * 60 * 1000);

describe('digest watermark', () => {
  it('reads from the last complete run, not from confirmation, and loses nothing', async () => {
    const record = await subscriber(['localism-act']);
    day();
    await alert(['localism-act']);
    day();
    const first = await runDigest(deps, { frequency: 'daily' });
    expect(first.sent[0]?.alerts).toBe(1);
    expect(reads.at(-1)).toBe(record.confirmedAt);
    const mark = await store.deliveries.watermark('wm@example.org');
    expect(mark).toEqual({
      through: clock.now().toISOString(),
      topics: ['localism-act'],
      confirmedAt: record.confirmedAt,
    });

    day();
    await alert(['localism-act']);
    day();
    const second = await runDigest(deps, { frequency: 'daily' });
    expect(second.sent[0]?.alerts).toBe(1);
    expect(Date.parse(reads.at(-1) ?? '')).toBe(Date.parse(mark?.through ?? '') - WATERMARK_OVERLAP_MS);

    // Nothing new: skipped, and the watermark still moves on.
    day();
    const third = await runDigest(deps, { frequency: 'daily' });
    expect(third).toMatchObject({ sent: [], skipped: 1 });
    expect((await store.deliveries.watermark('wm@example.org'))?.through).toBe(clock.now().toISOString());
    expect(sent).toHaveLength(2);
  });

  it('a newly followed topic brings its backlog since confirmation', async () => {
    const record = await subscriber(['localism-act']);
    day();
    const older = await alert(['charity-law']);
    await runDigest(deps, { frequency: 'daily' });
    expect(sent).toHaveLength(0);
    day();
    day();
    await store.subscribers.put({ ...record, topics: ['localism-act', 'charity-law'] });
    const run = await runDigest(deps, { frequency: 'daily' });
    expect(run.sent[0]?.alerts).toBe(1);
    expect(sent[0]?.raw.toString('utf8')).toContain(older.title);
  });

  it('does not move on while alerts are left for the next email, or after a failed send', async () => {
    await subscriber(['localism-act']);
    day();
    for (let i = 0; i < 3; i++) await alert(['localism-act']);
    day();
    deps = { ...deps, config: { ...deps.config, digests: { ...deps.config.digests, maxAlertsPerEmail: 2 } } };
    await runDigest(deps, { frequency: 'daily' });
    expect(await store.deliveries.watermark('wm@example.org')).toBeNull();
    const rest = await runDigest(deps, { frequency: 'daily' });
    expect(rest.sent[0]?.alerts).toBe(1);
    expect(await store.deliveries.watermark('wm@example.org')).not.toBeNull();

    day();
    await alert(['localism-act']);
    const before = await store.deliveries.watermark('wm@example.org');
    const failing = { ...deps, mailer: { sendRaw: () => Promise.reject(new Error('SES down')) } };
    const failed = await runDigest(failing, { frequency: 'daily' });
    expect(failed.failed).toHaveLength(1);
    expect(await store.deliveries.watermark('wm@example.org')).toEqual(before);
  });

  it('is erased with the subscriber', async () => {
    await subscriber(['localism-act']);
    await runDigest(deps, { frequency: 'daily' });
    expect(await store.deliveries.watermark('wm@example.org')).not.toBeNull();
    await store.subscribers.delete('wm@example.org');
    expect(await store.deliveries.watermark('wm@example.org')).toBeNull();
  });
});
