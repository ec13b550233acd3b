/**
 * @module Stored item versions (ItemRepo), in their source's partition: read and written in
 * batches because a poll touches every item of a feed at once.
 */

import type { ItemRef, ItemRepo } from '../domain/ports.ts';
import type { StoredItem } from '../domain/types.ts';
import { batchGet, batchWrite, putRequest, type TableContext } from './batch.ts';
import { itemKey, SCHEMA_VERSION } from './keys.ts';
import { parseStored, storedItemSchema, storedLines } from './schemas.ts';

export function createItemRepo(ctx: TableContext): ItemRepo {
  const getAcross = async (refs: readonly ItemRef[]): Promise<StoredItem[]> => {
    const raw = await batchGet(
      ctx,
      refs.map((ref) => itemKey(ref.sourceId, ref.key)),
    );
    return raw.map((item) => parseStored(storedItemSchema, item, 'item'));
  };
  return {
    async getMany(sourceId, keys) {
      const found = await getAcross(keys.map((key) => ({ sourceId, key })));
      return new Map(found.map((stored) => [stored.key, stored]));
    },

    getAcross,

    async putMany(items) {
      // BatchWrite rejects two writes to one key in a request; the last version wins.
      const byKey = new Map<string, StoredItem>();
      for (const item of items) byKey.set(`${item.sourceId}\u0000${item.key}`, item);
      await batchWrite(
        ctx,
        [...byKey.values()].map(({ lines, ...item }) =>
          putRequest({
            ...item,
            ...storedLines(lines),
            ...itemKey(item.sourceId, item.key),
            entity: 'item',
            v: SCHEMA_VERSION,
          }),
        ),
      );
    },
  };
}
