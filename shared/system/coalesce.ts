/**
 * @module Requests made at about the same time, sent together: `coalesce(send)` gives an `add`
 * whose requests are gathered into shared calls of `send`. When no call is in flight, one starts
 * right after the code that asked (a microtask); while one is, requests wait and go together in
 * the next, so batches grow just as far as the other side is slow. A full batch starts at once (up
 * to `maxInFlight` shared calls), and a request as large as a batch goes alone, straight away.
 * When a shared call fails, each of its requests is sent again alone, so a request the other side
 * refuses fails its own caller only.
 */

export interface CoalesceOptions<Q> {
  /** Largest batch, in `weight` units (a batch holds at least one request). */
  maxBatch: number;
  /** Shared calls in flight at most (default 4). */
  maxInFlight?: number;
  /** A request's share of a batch (default 1). */
  weight?: (request: Q) => number;
}

interface Waiting<Q, R> {
  request: Q;
  weight: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * `send(requests)` must answer with one result per request, in order. Returns `add(request)`,
 * which resolves with that request's result.
 */
export function coalesce<Q, R>(
  send: (requests: Q[]) => Promise<R[]>,
  options: CoalesceOptions<Q>,
): (request: Q) => Promise<R> {
  const maxInFlight = Math.max(1, options.maxInFlight ?? 4);
  const weigh = options.weight ?? (() => 1);
  const pending: Waiting<Q, R>[] = [];
  let pendingWeight = 0;
  let inFlight = 0;
  let scheduled = false;

  const run = async (batch: Waiting<Q, R>[]) => {
    let results: R[];
    try {
      results = await send(batch.map((entry) => entry.request));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One request may be what the other side refused: each is tried again on its own.
      await Promise.all(
        batch.map((entry) =>
          send([entry.request]).then((alone) => entry.resolve(alone[0] as R), entry.reject),
        ),
      );
      return;
    }
    for (const [index, entry] of batch.entries()) entry.resolve(results[index] as R);
  };

  const start = () => {
    const batch: Waiting<Q, R>[] = [];
    let weight = 0;
    while (pending.length > 0 && (batch.length === 0 || weight + pending[0]!.weight <= options.maxBatch)) {
      const next = pending.shift()!;
      weight += next.weight;
      batch.push(next);
    }
    pendingWeight -= weight;
    inFlight++;
    void run(batch).finally(() => {
      inFlight--;
      flush();
    });
  };

  function flush() {
    while (
      pending.length > 0 &&
      inFlight < maxInFlight &&
      (inFlight === 0 || pendingWeight >= options.maxBatch)
    ) {
      start();
    }
  }

  return (request) => {
    const weight = weigh(request);
    // A request that fills a batch on its own gains nothing from waiting for others.
    if (weight >= options.maxBatch) return send([request]).then((results) => results[0] as R);
    return new Promise<R>((resolve, reject) => {
      pending.push({ request, weight, resolve, reject });
      pendingWeight += weight;
      if (inFlight > 0) {
        flush();
      } else if (!scheduled) {
        // Requests made by the rest of this synchronous run go in the same call.
        scheduled = true;
        queueMicrotask(() => {
          scheduled = false;
          flush();
        });
      }
    });
  };
}
