#!/usr/bin/env node
// The `policy-watch` command. The code is TypeScript run through tsx, so `npx policy-watch`
// works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

// Node 20 is this project's floor; the SDK's notice that it will want Node 22 from 2027 is in the
// README, not on every command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { run } = await import('../functions/cli.ts');
await run();
