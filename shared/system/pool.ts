/**
 * @module A bounded worker pool: run an async task over a list with at most `limit` at once.
 * Items start in list order; each worker takes the next one as soon as it is free.
 */

/**
 * Runs `task(item, index)` for every item, at most `limit` (at least 1) at a time, and resolves
 * when all have finished. A task that throws rejects the result (like `Promise.all`); tasks that
 * must not stop the others catch their own errors.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  const width = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: width }, worker));
}
