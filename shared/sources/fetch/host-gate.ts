/**
 * @module Per-host politeness: at most N requests in flight per host, at most R request starts
 * per second per host, and a pause when a server sends `Retry-After`. legislation.gov.uk blocks
 * clients that exceed its fair-use limit, so this is not optional.
 *
 * The rate is a sliding window, the way publishers state and enforce theirs ("10 requests per
 * second per client"): with R ≥ 1, at most ⌊R⌋ starts in any window of ⌊R⌋/R seconds (for a
 * whole R, at most R in any one second); below 1, one start per 1/R seconds. Spacing every
 * request 1/R apart, as this gate did before, kept to the same limit but made a host with 25
 * sources at 100/s wait a quarter of a second for requests its publisher would have allowed at
 * once (docs/contract.md §2).
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
  /** The last `burst` start times (a ring; `next` is the oldest once full). */
  starts: number[];
  next: number;
  pausedUntil: number;
}

/** The window of the rate limit: `burst` starts per `windowMs`. */
export function rateWindow(ratePerSecond: number): { burst: number; windowMs: number } {
  const burst = Math.max(1, Math.floor(ratePerSecond));
  return { burst, windowMs: (burst * 1000) / ratePerSecond };
}

export class HostGate {
  private readonly hosts = new Map<string, HostState>();
  /** Highest number of requests seen in flight at once per host (for tests and metrics). */
  readonly peak = new Map<string, number>();

  private readonly burst: number;
  private readonly windowMs: number;

  constructor(private readonly options: HostGateOptions) {
    ({ burst: this.burst, windowMs: this.windowMs } = rateWindow(options.ratePerSecond));
  }

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
      // The start is reserved before any sleep, so requests that wait together queue in order.
      const oldest = state.starts.length < this.burst ? -Infinity : (state.starts[state.next] ?? 0);
      const start = Math.max(oldest + this.windowMs, state.pausedUntil, now);
      state.starts[state.next] = start;
      state.next = (state.next + 1) % this.burst;
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
      state = { active: 0, waiting: [], starts: [], next: 0, pausedUntil: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }
}
