import { describe, expect, it } from 'vitest';
import { coalesce } from '#shared/system/coalesce.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A `send` that records each call's requests and answers when the test releases it. */
function gatedSend(answer: (request: number) => number = (request) => request * 10) {
  const calls: number[][] = [];
  const release: (() => void)[] = [];
  let running = 0;
  let peak = 0;
  const send = async (requests: number[]) => {
    calls.push(requests);
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => release.push(resolve));
    running--;
    return requests.map(answer);
  };
  const releaseAll = async () => {
    while (release.length > 0) {
      for (const next of release.splice(0)) next();
      await settle();
    }
  };
  return { send, calls, releaseAll, peak: () => peak };
}

describe('coalesce', () => {
  it.each([
    // requests made one after the other in one synchronous run, maxBatch, maxInFlight → calls
    { requests: [1, 2, 3], maxBatch: 10, maxInFlight: 4, calls: [[1, 2, 3]] },
    { requests: [1, 2, 3, 4, 5], maxBatch: 2, maxInFlight: 4, calls: [[1, 2], [3, 4], [5]] },
    { requests: [1, 2, 3, 4, 5], maxBatch: 2, maxInFlight: 1, calls: [[1, 2], [3, 4], [5]] },
    { requests: [7], maxBatch: 1, maxInFlight: 4, calls: [[7]] },
  ])(
    '$requests with maxBatch $maxBatch, maxInFlight $maxInFlight: calls $calls, each answered',
    async ({ requests, maxBatch, maxInFlight, calls }) => {
      const gate = gatedSend();
      const add = coalesce(gate.send, { maxBatch, maxInFlight });
      const answers = Promise.all(requests.map(add));
      await settle();
      await gate.releaseAll();
      expect(await answers).toEqual(requests.map((request) => request * 10));
      expect(gate.calls).toEqual(calls);
      expect(gate.peak()).toBeLessThanOrEqual(maxInFlight);
    },
  );

  it('gathers what is asked while a call is in flight into the next call', async () => {
    const gate = gatedSend();
    const add = coalesce(gate.send, { maxBatch: 100 });
    const first = add(1);
    await settle();
    const later = [add(2), add(3)];
    await settle();
    const last = add(4);
    expect(gate.calls).toEqual([[1]]);
    await gate.releaseAll();
    expect(await Promise.all([first, ...later, last])).toEqual([10, 20, 30, 40]);
    expect(gate.calls).toEqual([[1], [2, 3, 4]]);
  });

  it('starts a full batch without waiting for the call in flight', async () => {
    const gate = gatedSend();
    const add = coalesce(gate.send, { maxBatch: 2 });
    const all = [add(1)];
    await settle();
    all.push(add(2), add(3));
    await settle();
    expect(gate.calls).toEqual([[1], [2, 3]]);
    await gate.releaseAll();
    await Promise.all(all);
  });

  it('weighs requests: a batch holds at most maxBatch units; one that fills a batch goes alone at once', async () => {
    const calls: string[][] = [];
    const add = coalesce(
      async (requests: string[]) => {
        calls.push(requests);
        return requests.map((request) => request.length);
      },
      { maxBatch: 4, weight: (request) => request.length },
    );
    expect(await Promise.all(['ab', 'cd', 'e', 'fghij', 'k'].map(add))).toEqual([2, 2, 1, 5, 1]);
    expect(calls).toEqual([['fghij'], ['ab', 'cd'], ['e', 'k']]);
  });

  it('when a shared call fails, sends each request alone: only the refused one fails', async () => {
    const calls: number[][] = [];
    const add = coalesce(
      async (requests: number[]) => {
        calls.push(requests);
        if (requests.includes(2)) throw new Error('refused 2');
        return requests.map((request) => request + 1);
      },
      { maxBatch: 10 },
    );
    const results = await Promise.allSettled([1, 2, 3].map(add));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('refused 2') },
      { status: 'fulfilled', value: 4 },
    ]);
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('sends a request as large as a batch while a shared call is in flight', async () => {
    const gate = gatedSend();
    const add = coalesce(gate.send, { maxBatch: 3, maxInFlight: 1, weight: (request) => request });
    const small = add(1);
    await settle();
    const large = add(3);
    expect(gate.calls).toEqual([[1], [3]]);
    await gate.releaseAll();
    expect(await Promise.all([small, large])).toEqual([10, 30]);
  });

  it('keeps working after a failed call', async () => {
    let fail = true;
    const add = coalesce(
      async (requests: number[]) => {
        if (fail) {
          fail = false;
          throw new Error('store down');
        }
        return requests;
      },
      { maxBatch: 10 },
    );
    await expect(add(1)).rejects.toThrow('store down');
    expect(await add(2)).toBe(2);
  });
});
