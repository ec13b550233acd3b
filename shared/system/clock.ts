/**
 * @module Clocks: the system clock, and one that starts at a given instant and runs on from it
 * (`POLICY_WATCH_NOW`, docs/contract.md §5).
 */
import type { Clock } from '../domain/ports.ts';

export const systemClock: Clock = { now: () => new Date() };

export function clockStartingAt(start: Date, base: Clock = systemClock): Clock {
  const origin = base.now().getTime();
  return { now: () => new Date(start.getTime() + (base.now().getTime() - origin)) };
}

/** A clock that only moves when told to (tests). */
export function fixedClock(
  at: string | Date,
): Clock & { set(at: string | Date): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (next) => {
      current = new Date(next);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}
