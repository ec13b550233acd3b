/**
 * @module How the one-shot commands (poll, digest, check, evaluate) tune V8's memory, and when.
 *
 * Measured with `npm run bench -- rounds` (peak RSS of `poll` over 200 feeds, the store's worker
 * thread included; README "Compiled command line"):
 * - `--liftoff-only`: undici parses HTTP with a WebAssembly build of llhttp, and V8's optimising
 *   tier-up of that module took ~25 MB of compiler memory for a parser that handles a few MB;
 * - `--heap-growing-percent=20`: after a full collection the old generation may grow 20% over what
 *   survived rather than up to 4x;
 * - the young generation stops growing at 8 MB (two 4 MB semi-spaces) instead of 32 MB: once a
 *   collection shows it that large, `--semi-space-growth-factor=1`. Freezing it at its initial 1 MB
 *   cost ~20% more CPU time in the changed rounds; 16 MB took the all-new round to 152-157 MB.
 * All new 264 -> ~140 MB, unchanged 145 -> ~100 MB, 10% changed 155 -> ~117 MB. None is a limit:
 * a large document still gets the memory it needs. Long-running commands keep V8's defaults, as
 * does anyone who sets one of these flags in NODE_OPTIONS or on node's command line.
 *
 * **When.** The flags are set once the command has started (its code loaded, the embedded store's
 * worker booted), not as the process starts. Node's built-in modules ship with a code cache that
 * V8 takes only while its flags are the ones Node was built with: after any `setFlagsFromString`,
 * every built-in module loaded compiles from source, and a worker thread boots without it. Set
 * first thing, the flags made the store's worker run its first line 65-85 ms after it was started
 * instead of ~40, and `poll`'s own loading of built-ins ~13 ms slower.
 *
 * V8's flags are the process's, so they also govern the store's worker thread. After every
 * collection the young generation's size is checked and the flags are set again (cheap), so one
 * reset meanwhile (starting a worker thread was seen to do that) does not undo them.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The flags always applied (unless already given), in this order. */
const FLAGS = ['--liftoff-only', '--heap-growing-percent=20'] as const;
/** The young generation's size (both semi-spaces) at which it stops growing. */
export const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;

export interface MemoryPlan {
  /** Set on every application. */
  flags: string[];
  /** Whether the young generation is capped at {@link YOUNG_GENERATION_CAP}. */
  capYoung: boolean;
}

/**
 * What to apply, given the V8 options the process was started with (`NODE_OPTIONS` and node's own
 * arguments): a flag given there, in either spelling (`_` or `-`), is left as given.
 */
export function memoryPlan(given: {
  nodeOptions?: string | undefined;
  execArgv: readonly string[];
}): MemoryPlan {
  const text = `${given.nodeOptions ?? ''} ${given.execArgv.join(' ')}`.replaceAll('_', '-');
  return {
    flags: FLAGS.filter((flag) => !text.includes(flag.split('=')[0] as string)),
    capYoung: !text.includes('semi-space'),
  };
}

/** What applying a plan touches: V8 and its collections (a test gives doubles). */
export interface V8Hooks {
  setFlags(flag: string): void;
  /** The young generation's current size in bytes. */
  youngSize(): number;
  /** Calls `listener` after each garbage collection. */
  afterEachGc(listener: () => void): void;
}

const nodeV8: V8Hooks = {
  setFlags: (flag) => v8.setFlagsFromString(flag),
  youngSize: () =>
    v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  afterEachGc: (listener) => new PerformanceObserver(listener).observe({ entryTypes: ['gc'] }),
};

/** Applies `plan` now and again after every collection. */
export function applyMemoryPlan(plan: MemoryPlan, hooks: V8Hooks = nodeV8): void {
  if (plan.flags.length === 0 && !plan.capYoung) return;
  const apply = () => {
    for (const flag of plan.flags) hooks.setFlags(flag);
    if (plan.capYoung && hooks.youngSize() >= YOUNG_GENERATION_CAP) {
      hooks.setFlags('--semi-space-growth-factor=1');
    }
  };
  apply();
  hooks.afterEachGc(apply);
}

let tuned = false;

/** Tunes this process for a one-shot command, once; call it when the command has started. */
export function tuneOneShotMemory(): void {
  if (tuned) return;
  tuned = true;
  applyMemoryPlan(memoryPlan({ nodeOptions: process.env.NODE_OPTIONS, execArgv: process.execArgv }));
}
