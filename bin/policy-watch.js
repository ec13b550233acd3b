#!/usr/bin/env node
// The `policy-watch` command. `npm ci` compiles the TypeScript into dist/ (the `prepare` script,
// scripts/build.mjs), which starts in a fraction of the time; without a build, or when a source
// file changed after it, the TypeScript runs directly through tsx.
import { readFileSync, statSync } from 'node:fs';
import v8 from 'node:v8';

// Node 20 is this project's floor; the SDK's notice that it will want Node 22 from 2027 is in the
// README, not on every command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Memory of the one-shot commands (poll, digest, check, evaluate), measured with
// `npm run bench -- rounds` (peak RSS of `poll` over 200 feeds; README "Benchmark"):
// - `--liftoff-only`: undici parses HTTP with a WebAssembly build of llhttp, and V8's optimising
//   tier-up of that module took ~25 MB of compiler memory for a parser that handles a few MB;
// - `--semi-space-growth-factor=1`: the young generation stays at its initial size instead of
//   doubling to 16 MB semi-spaces (unchanged round 145 -> 94 MB, same CPU time);
// - `--heap-growing-percent=20`: a full collection lets the old generation grow 20% over what
//   survived rather than up to 4x (all-new round 264 -> 131 MB with the above, ~10% more CPU).
// None is a limit: a large document still gets all the memory it needs. Long-running commands
// keep V8's defaults, as does anyone who sets these flags in NODE_OPTIONS.
const LONG_RUNNING = ['start', 'serve', 'demo'];
const MEMORY_FLAGS = ['--liftoff-only', '--semi-space-growth-factor=1', '--heap-growing-percent=20'];
const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
if (!process.argv.slice(2).some((arg) => LONG_RUNNING.includes(arg))) {
  for (const flag of MEMORY_FLAGS) {
    const name = flag.split('=')[0].replace(/^--/, '');
    if (!given.includes(name) && !given.includes(name.replaceAll('-', '_'))) v8.setFlagsFromString(flag);
  }
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
