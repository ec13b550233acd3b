/**
 * @module Stored item versions (ItemRepo), in their source's partition: read and written in
 * batches because a poll touches every item of a feed at once.
 */

import type { ItemRepo } from '../domain/ports.ts';
import type { StoredItem } from '../domain/types.ts';
import { batchGet, batchWrite, putRequest, type TableContext } from './batch.ts';
import { itemKey, SCHEMA_VERSION } from './keys.ts';
import { parseStored, storedItemSchema } from './schemas.ts';

export function createItemRepo(ctx: TableContext): ItemRepo {
  return {
    async getMany(sourceId, keys) {
      const raw = await batchGet(
        ctx,
        keys.map((key) => itemKey(sourceId, key)),
      );
      const found = new Map<string, StoredItem>();
      for (const item of raw) {
        const stored = parseStored(storedItemSchema, item, 'item');
        found.set(stored.key, stored);
      }
      return found;
    },

    async putMany(items) {
      // BatchWrite rejects two writes to one key in a request; the last version wins.
      const byKey = new Map<string, StoredItem>();
      for (const item of items) byKey.set(`${item.sourceId}\u0000${item.key}`, item);
      await batchWrite(
        ctx,
        [...byKey.values()].map((item) =>
          putRequest({ ...item, ...itemKey(item.sourceId, item.key), entity: 'item', v: SCHEMA_VERSION }),
        ),
      );
    },
  };
}
