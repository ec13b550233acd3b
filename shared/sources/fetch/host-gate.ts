/**
 * @module Per-host politeness: at most N requests in flight per host, requests spaced by a rate
 * limit (GCRA, i.e. a token bucket of one), and a pause when a server sends `Retry-After`.
 * legislation.gov.uk blocks clients that exceed its fair-use limit, so this is not optional.
 */

export interface HostGateOptions {
  concurrency: number;
  ratePerSecond: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface HostState {
  active: number;
  waiting: Array<() => void>;
  /** Theoretical arrival time of the next request (GCRA). */
  nextAt: number;
  pausedUntil: number;
}

export class HostGate {
  private readonly hosts = new Map<string, HostState>();
  /** Highest number of requests seen in flight at once per host (for tests and metrics). */
  readonly peak = new Map<string, number>();

  constructor(private readonly options: HostGateOptions) {}

  /** Waits for a slot and the rate limit; the returned function releases the slot. */
  async acquire(host: string, signal?: AbortSignal): Promise<() => void> {
    const state = this.state(host);
    if (state.active >= this.options.concurrency) {
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    } else {
      state.active += 1;
    }
    this.peak.set(host, Math.max(this.peak.get(host) ?? 0, state.active));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = state.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next();
      else state.active -= 1;
    };
    try {
      const now = this.options.now();
      const start = Math.max(state.nextAt, state.pausedUntil, now);
      state.nextAt = start + 1000 / this.options.ratePerSecond;
      if (start > now) await this.options.sleep(start - now, signal);
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Holds back every request to `host` until `until` (epoch ms), e.g. after `Retry-After`. */
  pause(host: string, until: number): void {
    const state = this.state(host);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, waiting: [], nextAt: 0, pausedUntil: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }
}
