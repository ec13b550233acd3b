import { describe, expect, it } from 'vitest';
import { forEachLimited } from '#shared/system/pool.ts';

/** A task that waits on a promise the test releases, recording how many run at once. */
function gated() {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const release: (() => void)[] = [];
  const task = async (item: number) => {
    started.push(item);
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => release.push(resolve));
    running--;
  };
  return { task, started, release, peak: () => peak };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachLimited', () => {
  it.each([
    [5, 2, 2],
    [5, 10, 5],
    [3, 0, 1],
    [1, 1, 1],
  ])('%i items, limit %i: at most %i at once, every item once, in list order', async (count, limit, peak) => {
    const items = Array.from({ length: count }, (_, index) => index);
    const gate = gated();
    const done = forEachLimited(items, limit, gate.task);
    for (let round = 0; round < count; round++) {
      await settle();
      gate.release.shift()?.();
    }
    await done;
    expect(gate.started).toEqual(items);
    expect(gate.peak()).toBe(peak);
  });

  it('does nothing for no items', async () => {
    const seen: number[] = [];
    await forEachLimited([], 3, async (item: number) => {
      seen.push(item);
    });
    expect(seen).toEqual([]);
  });

  it('passes each item with its index', async () => {
    const seen: string[] = [];
    await forEachLimited(['a', 'b', 'c'], 2, async (item, index) => {
      seen.push(`${index}:${item}`);
    });
    expect(seen.sort()).toEqual(['0:a', '1:b', '2:c']);
  });

  it('on a throw starts nothing more, lets running tasks settle, then rejects', async () => {
    const seen: number[] = [];
    let running = 0;
    let settledBeforeReject = false;
    const run = forEachLimited([1, 2, 3, 4], 2, async (item) => {
      if (item === 1) throw new Error('boom');
      running++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(item);
      running--;
    }).catch((error: unknown) => {
      settledBeforeReject = running === 0;
      throw error;
    });
    await expect(run).rejects.toThrow('boom');
    expect(settledBeforeReject).toBe(true);
    await settle();
    expect(seen).toEqual([2]);
  });
});
