/**
 * @module A bounded worker pool: run an async task over a list with at most `limit` at once.
 * Items start in list order; each worker takes the next one as soon as it is free.
 */

/**
 * Runs `task(item, index)` for every item, at most `limit` (at least 1) at a time, and resolves
 * when all have finished. A task that throws stops the pool from starting more items, and the
 * result rejects with that error once the tasks already running have settled: nothing the pool
 * started outlives it (a straggling store write after a failed poll would race the next cycle's
 * retry of the same alert). Tasks that must not stop the others catch their own errors.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const width = Math.max(1, Math.min(limit, items.length));
  const settled = await Promise.allSettled(Array.from({ length: width }, worker));
  const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}
