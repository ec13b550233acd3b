import { describe, expect, it } from 'vitest';
import type { ItemRef, ItemRepo } from '#shared/domain/ports.ts';
import type { StoredItem } from '#shared/domain/types.ts';
import { sharedItemBatches } from '#shared/services/item-batches.ts';

const stored = (sourceId: string, key: string, version = 'v1'): StoredItem => ({
  sourceId,
  key,
  version,
  itemDate: null,
  alerted: false,
  firstSeenAt: '2026-11-20T09:00:00.000Z',
  lastSeenAt: '2026-11-20T09:00:00.000Z',
});

/** An in-memory ItemRepo that records every request it answers; `refuse` fails writes of that key. */
function memoryRepo(initial: StoredItem[], refuse?: string) {
  const rows = new Map(initial.map((item) => [`${item.sourceId}|${item.key}`, item]));
  const requests: string[] = [];
  const repo: ItemRepo = {
    async getMany(sourceId, keys) {
      const found = await repo.getAcross(keys.map((key) => ({ sourceId, key })));
      return new Map(found.map((item) => [item.key, item]));
    },
    async getAcross(refs: readonly ItemRef[]) {
      requests.push(`get ${refs.length}`);
      return refs.flatMap((ref) => rows.get(`${ref.sourceId}|${ref.key}`) ?? []);
    },
    async putMany(items) {
      requests.push(`put ${items.length}`);
      if (items.some((item) => item.key === refuse)) throw new Error(`item too large: ${refuse}`);
      for (const item of items) rows.set(`${item.sourceId}|${item.key}`, item);
    },
  };
  return { repo, requests, rows };
}

describe('sharedItemBatches', () => {
  it('answers each source with its own stored items, from one request for all', async () => {
    const store = memoryRepo([stored('a', 'k1'), stored('a', 'k2'), stored('b', 'k1', 'v9')]);
    const versions = sharedItemBatches(store.repo, 8);
    const [a, b, c, none] = await Promise.all([
      versions.getMany('a', ['k1', 'missing']),
      versions.getMany('b', ['k1']),
      versions.getMany('a', ['k2']),
      versions.getMany('c', []),
    ]);
    expect([...a.keys()]).toEqual(['k1']);
    expect(b.get('k1')?.version).toBe('v9');
    expect([...c.keys()]).toEqual(['k2']);
    expect(none.size).toBe(0);
    expect(store.requests).toEqual(['get 4']);
  });

  it('writes the sources’ versions together and resolves each source once written', async () => {
    const store = memoryRepo([]);
    const versions = sharedItemBatches(store.repo, 8);
    await Promise.all([
      versions.putMany([stored('a', 'k1')]),
      versions.putMany([stored('b', 'k1'), stored('b', 'k2')]),
      versions.putMany([]),
    ]);
    expect(store.requests).toEqual(['put 3']);
    expect([...store.rows.keys()].sort()).toEqual(['a|k1', 'b|k1', 'b|k2']);
  });

  it('fails only the source whose write the store refuses', async () => {
    const store = memoryRepo([], 'huge');
    const versions = sharedItemBatches(store.repo, 8);
    const results = await Promise.allSettled([
      versions.putMany([stored('a', 'k1')]),
      versions.putMany([stored('b', 'huge')]),
      versions.putMany([stored('c', 'k1')]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([...store.rows.keys()].sort()).toEqual(['a|k1', 'c|k1']);
  });
});
