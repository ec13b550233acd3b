import { describe, expect, it } from 'vitest';
import type { AlertRepo } from '#shared/domain/ports.ts';
import type { Alert } from '#shared/domain/types.ts';
import { sharedAlertWrites } from '#shared/services/alert-batches.ts';
import { makeAlert } from '../../support/builders.ts';

/**
 * An in-memory store that records each call. It lists a call's alerts one by one, as the real one
 * claims them, so a call that fails on `refuse` has already listed the alerts before it.
 */
function memoryAlerts(refuse?: string) {
  const listed = new Set<string>();
  const calls: string[] = [];
  const repo: Pick<AlertRepo, 'createMany' | 'listedIds'> = {
    async listedIds(ids) {
      calls.push(`read ${ids.length}`);
      return new Set(ids.filter((id) => listed.has(id)));
    },
    async createMany(alerts: readonly Alert[], known) {
      calls.push(`create ${alerts.map((alert) => alert.id).join(',')}`);
      const before = known ?? new Set(alerts.map((alert) => alert.id).filter((id) => listed.has(id)));
      return alerts.map((alert) => {
        if (alert.id === refuse) throw new Error(`item too large: ${refuse}`);
        const mine = !before.has(alert.id) && !listed.has(alert.id);
        listed.add(alert.id);
        return mine;
      });
    },
  };
  return { repo, calls, listed };
}

describe('sharedAlertWrites', () => {
  it('creates the sources’ alerts in one call and answers each source for its own', async () => {
    const store = memoryAlerts();
    store.listed.add('b2');
    const alerts = sharedAlertWrites(store.repo, 8);
    const [a, b, none] = await Promise.all([
      alerts.createMany([makeAlert({ id: 'a1' })]),
      alerts.createMany([makeAlert({ id: 'b1' }), makeAlert({ id: 'b2' }), makeAlert({ id: 'b3' })]),
      alerts.createMany([]),
    ]);
    expect(a).toEqual([true]);
    expect(b).toEqual([true, false, true]);
    expect(none).toEqual([]);
    expect(store.calls).toEqual(['read 4', 'create a1,b1,b2,b3']);
  });

  it('fails only the source whose alert the store refuses; the others count as created', async () => {
    const store = memoryAlerts('huge');
    store.listed.add('d1');
    const alerts = sharedAlertWrites(store.repo, 8);
    const results = await Promise.allSettled([
      alerts.createMany([makeAlert({ id: 'a1' })]),
      alerts.createMany([makeAlert({ id: 'huge' })]),
      alerts.createMany([makeAlert({ id: 'c1' })]),
      alerts.createMany([makeAlert({ id: 'd1' })]),
    ]);
    expect(results).toEqual([
      // The shared call listed a1 before it failed: a1 is still this cycle's new alert.
      { status: 'fulfilled', value: [true] },
      { status: 'rejected', reason: new Error('item too large: huge') },
      { status: 'fulfilled', value: [true] },
      // Listed before the cycle: not new, however it was retried.
      { status: 'fulfilled', value: [false] },
    ]);
    expect([...store.listed].sort()).toEqual(['a1', 'c1', 'd1']);
    expect(store.calls).toEqual([
      'read 4',
      'create a1,huge,c1,d1',
      'create a1',
      'create huge',
      'create c1',
      'create d1',
    ]);
  });

  it('rejects a lone source’s batch with the store’s own error', async () => {
    const store = memoryAlerts('huge');
    const alerts = sharedAlertWrites(store.repo, 8);
    await expect(alerts.createMany([makeAlert({ id: 'huge' })])).rejects.toThrow('item too large: huge');
    expect(store.calls).toEqual(['read 1', 'create huge']);
  });

  it('splits a cycle’s alerts into calls of at most 100', async () => {
    const store = memoryAlerts();
    const alerts = sharedAlertWrites(store.repo, 8);
    const perSource = Array.from({ length: 30 }, (_, source) =>
      Array.from({ length: 5 }, (_, i) => makeAlert({ id: `s${source}-${i}` })),
    );
    const results = await Promise.all(perSource.map((batch) => alerts.createMany(batch)));
    expect(results.flat().every(Boolean)).toBe(true);
    expect(store.calls.filter((call) => call.startsWith('read'))).toEqual(['read 100', 'read 50']);
    expect(store.listed.size).toBe(150);
  });
});
