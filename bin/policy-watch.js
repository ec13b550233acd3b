#!/usr/bin/env node
// The `policy-watch` command. `npm ci` compiles the TypeScript into dist/ (the `prepare` script,
// scripts/build.mjs), which starts in a fraction of the time; without a build, or when a source
// file changed after it, the TypeScript runs directly through tsx.
import { readFileSync, statSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

// Node 20 is this project's floor; the SDK's notice that it will want Node 22 from 2027 is in the
// README, not on every command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Memory of the one-shot commands (poll, digest, check, evaluate), measured with
// `npm run bench -- rounds` (peak RSS of `poll` over 200 feeds; README "Compiled command line"):
// - `--liftoff-only`: undici parses HTTP with a WebAssembly build of llhttp, and V8's optimising
//   tier-up of that module took ~25 MB of compiler memory for a parser that handles a few MB;
// - `--heap-growing-percent=20`: after a full collection the old generation may grow 20% over
//   what survived rather than up to 4x;
// - the young generation stops growing at 8 MB (two 4 MB semi-spaces) instead of 32 MB: once a
//   collection shows it that large, `--semi-space-growth-factor=1`. Freezing it at its initial
//   1 MB cost ~20% more CPU time in the changed rounds. With the store in its own worker thread
//   (two heaps), 16 MB took the all-new round to 152-157 MB; 8 MB keeps it at 141-146 MB for
//   ~8% more time.
// V8's flags belong to the process, and starting a worker thread (the embedded store's) sets them
// back to the command line's, so they are applied again after every collection, which is cheap.
// All new 264 -> ~145 MB, unchanged 145 -> ~110 MB, 10% changed 155 -> ~120 MB. None is a limit: a
// large document still gets the memory it needs. Long-running commands keep V8's defaults, as
// does anyone who sets one of these flags in NODE_OPTIONS.
const LONG_RUNNING = ['start', 'serve', 'demo'];
const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;
const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.replaceAll('_', '-');
if (!process.argv.slice(2).some((arg) => LONG_RUNNING.includes(arg))) {
  const flags = ['--liftoff-only', '--heap-growing-percent=20'].filter(
    (flag) => !given.includes(flag.split('=')[0]),
  );
  const capYoung = !given.includes('semi-space');
  const apply = () => {
    for (const flag of flags) v8.setFlagsFromString(flag);
    if (!capYoung) return;
    const space = v8.getHeapSpaceStatistics().find((entry) => entry.space_name === 'new_space');
    if (space && space.space_size >= YOUNG_GENERATION_CAP)
      v8.setFlagsFromString('--semi-space-growth-factor=1');
  };
  apply();
  new PerformanceObserver(apply).observe({ entryTypes: ['gc'] });
}

const root = new URL('../', import.meta.url);

/** True when dist/ exists and no source it was built from changed since. */
function freshBuild() {
  if (process.env.POLICY_WATCH_FROM_SOURCE) return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/build.json', root), 'utf8'));
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

if (freshBuild()) {
  const { run } = await import('../dist/cli.js');
  await run();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../functions/cli.ts');
  await run();
}
