/**
 * The one-shot commands' V8 memory tuning (functions/cli/memory-tuning.ts): which flags a process
 * gets given how it was started, and that they are applied now and after every collection. When
 * the commands apply it is tested in tests/integration/cli-started.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  applyMemoryPlan,
  type MemoryPlan,
  memoryPlan,
  type V8Hooks,
  YOUNG_GENERATION_CAP,
} from '../../../functions/cli/memory-tuning.ts';

const ALL = ['--liftoff-only', '--heap-growing-percent=20'];

describe('memoryPlan', () => {
  it.each([
    ['nothing given', undefined, [], { flags: ALL, capYoung: true }],
    ['an unrelated NODE_OPTIONS', '--enable-source-maps', [], { flags: ALL, capYoung: true }],
    [
      'liftoff given in NODE_OPTIONS',
      '--liftoff-only',
      [],
      { flags: ['--heap-growing-percent=20'], capYoung: true },
    ],
    [
      'heap growth given on the command line, other value',
      undefined,
      ['--heap-growing-percent=50'],
      { flags: ['--liftoff-only'], capYoung: true },
    ],
    [
      'heap growth given with underscores',
      '--heap_growing_percent=35',
      [],
      { flags: ['--liftoff-only'], capYoung: true },
    ],
    ['a semi-space size given', '--max-semi-space-size=16', [], { flags: ALL, capYoung: false }],
    [
      'everything given',
      '--liftoff-only --max_semi_space_size=2',
      ['--heap-growing-percent=30'],
      { flags: [], capYoung: false },
    ],
  ])('%s', (_name, nodeOptions, execArgv, expected) => {
    expect(memoryPlan({ nodeOptions, execArgv })).toEqual(expected);
  });
});

/** V8 as a double: the flags set, the young generation's size, the collection listeners. */
function fakeV8(youngSize: number) {
  const state = { set: [] as string[], young: youngSize, listeners: [] as (() => void)[] };
  const hooks: V8Hooks = {
    setFlags: (flag) => state.set.push(flag),
    youngSize: () => state.young,
    afterEachGc: (listener) => state.listeners.push(listener),
  };
  const collect = () => {
    for (const listener of state.listeners) listener();
  };
  return { state, hooks, collect };
}

describe('applyMemoryPlan', () => {
  const plan: MemoryPlan = { flags: ALL, capYoung: true };

  it('sets the flags at once and again after every collection', () => {
    const v8 = fakeV8(1024 * 1024);
    applyMemoryPlan(plan, v8.hooks);
    expect(v8.state.set).toEqual(ALL);
    v8.collect();
    v8.collect();
    expect(v8.state.set).toEqual([...ALL, ...ALL, ...ALL]);
  });

  it.each([
    ['below the cap', YOUNG_GENERATION_CAP - 1, false],
    ['at the cap', YOUNG_GENERATION_CAP, true],
    ['above it', 4 * YOUNG_GENERATION_CAP, true],
  ])('stops the young generation growing once it is %s: %s', (_name, size, capped) => {
    const v8 = fakeV8(size);
    applyMemoryPlan(plan, v8.hooks);
    expect(v8.state.set.includes('--semi-space-growth-factor=1')).toBe(capped);
  });

  it('caps the young generation when a collection shows it grown to the cap', () => {
    const v8 = fakeV8(2 * 1024 * 1024);
    applyMemoryPlan(plan, v8.hooks);
    expect(v8.state.set).not.toContain('--semi-space-growth-factor=1');
    v8.state.young = YOUNG_GENERATION_CAP;
    v8.collect();
    expect(v8.state.set.at(-1)).toBe('--semi-space-growth-factor=1');
  });

  it('leaves the young generation alone when a semi-space size was given', () => {
    const v8 = fakeV8(4 * YOUNG_GENERATION_CAP);
    applyMemoryPlan({ flags: ALL, capYoung: false }, v8.hooks);
    v8.collect();
    expect(v8.state.set).toEqual([...ALL, ...ALL]);
  });

  it('with nothing to apply, sets nothing and listens to no collection', () => {
    const v8 = fakeV8(4 * YOUNG_GENERATION_CAP);
    applyMemoryPlan({ flags: [], capYoung: false }, v8.hooks);
    expect(v8.state).toMatchObject({ set: [], listeners: [] });
  });
});
