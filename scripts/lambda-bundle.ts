/**
 * @module How the deployment bundles a Lambda handler (SST's esbuild step with the `nodejs`
 * settings of infra/functions.ts): ESM for Node 20, minified, with lazily imported modules split
 * into chunks of their own. The startup bench and the transport test bundle handlers this way, so
 * what they measure and check is what runs on AWS.
 */
import type { BuildOptions } from 'esbuild';

export const LAMBDA_BUNDLE = {
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  banner: {
    js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
  },
} satisfies BuildOptions;
