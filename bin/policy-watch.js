#!/usr/bin/env node
// The `policy-watch` command. `npm ci` compiles the TypeScript into dist/ (the `prepare` script,
// scripts/build.mjs), which starts in a fraction of the time; without a build, or when a source
// file changed after it, the TypeScript runs directly through tsx.
import { readFileSync, statSync } from 'node:fs';

// Node 20 is this project's floor; the SDK's notice that it will want Node 22 from 2027 is in the
// README, not on every command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The one-shot commands tune V8's memory once they have started, not here: a V8 flag set before
// start-up makes Node's built-in modules, and the embedded store's worker, compile without their
// code cache (functions/cli/memory-tuning.ts).

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
