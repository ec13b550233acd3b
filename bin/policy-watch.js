#!/usr/bin/env node
// The `policy-watch` command. The code is TypeScript run through tsx, so `npx policy-watch`
// works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../functions/cli.ts');
await run();
