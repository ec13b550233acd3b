/**
 * @module A poll cycle's item versions, read and written in batches shared by the sources being
 * polled at the same time: 200 one-item pages cost a few BatchGet and BatchWrite requests instead
 * of one of each per page. Each source still awaits its own reads and writes, so its order
 * (alerts, then versions, then its state) is unchanged; a write the store refuses fails only the
 * source it came from (`coalesce` retries a failed shared call request by request).
 */
import type { ItemRepo } from '../domain/ports.ts';
import type { StoredItem } from '../domain/types.ts';
import { coalesce } from '../system/coalesce.ts';

/** What polling a source needs of the stored versions. */
export type ItemVersions = Pick<ItemRepo, 'getMany' | 'putMany'>;

// DynamoDB's limits per request: BatchGetItem 100 keys, BatchWriteItem 25 items.
const READ_BATCH = 100;
const WRITE_BATCH = 25;

interface Read {
  sourceId: string;
  keys: readonly string[];
}

const refKey = (sourceId: string, key: string) => `${sourceId}\u0000${key}`;

/** `concurrency`: the cycle's bound on sources polled at once, which also bounds shared calls. */
export function sharedItemBatches(repo: ItemRepo, concurrency: number): ItemVersions {
  const read = coalesce(
    async (reads: Read[]) => {
      const found = await repo.getAcross(
        reads.flatMap((entry) => entry.keys.map((key) => ({ sourceId: entry.sourceId, key }))),
      );
      const byRef = new Map(found.map((stored) => [refKey(stored.sourceId, stored.key), stored]));
      return reads.map((entry) => {
        const mine = new Map<string, StoredItem>();
        for (const key of entry.keys) {
          const stored = byRef.get(refKey(entry.sourceId, key));
          if (stored) mine.set(key, stored);
        }
        return mine;
      });
    },
    { maxBatch: READ_BATCH, maxInFlight: concurrency, weight: (entry) => entry.keys.length },
  );
  const write = coalesce(
    async (writes: (readonly StoredItem[])[]) => {
      await repo.putMany(writes.flat());
      return writes.map(() => undefined);
    },
    { maxBatch: WRITE_BATCH, maxInFlight: concurrency, weight: (items) => items.length },
  );
  return {
    getMany: (sourceId, keys) => (keys.length === 0 ? Promise.resolve(new Map()) : read({ sourceId, keys })),
    putMany: async (items) => {
      if (items.length > 0) await write(items);
    },
  };
}
