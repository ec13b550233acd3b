/**
 * What a one-shot command loads before it polls, read from esbuild's import graph as the build
 * (scripts/build.mjs) splits it.
 *
 * A one-shot command starts the embedded store's worker (functions/local/store-lease.ts) before it
 * loads the rest of its code, so dynalite boots on the other core meanwhile. Whatever the lease
 * imports statically loads before the worker starts: zod and the config schema (~200 KB, ~10 ms)
 * did once, through live-server.ts, and an unchanged poll of 200 feeds waited ~30 ms longer for
 * it.
 *
 * The poll renders a staff email only when a source's health changes, so the mail rendering (MIME,
 * the HTML layout, hono's JSX) loads then, not at every start (~10 ms of an unchanged poll).
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The files `entry` loads before its first line runs: its static imports, transitively. */
async function staticClosure(entry: string): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    outdir: 'out',
    logLevel: 'silent',
  });
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const edge of metafile.inputs[path]?.imports ?? []) {
      if (edge.kind !== 'dynamic-import' && !edge.external) visit(edge.path);
    }
  };
  visit(entry);
  return [...seen];
}

test('the store lease starts the worker before zod, the config or the SDK load', async () => {
  const loaded = await staticClosure('functions/local/store-lease.ts');
  expect(loaded).toContain('functions/local/embedded-store.ts');
  expect(loaded.filter((path) => path.includes('node_modules/'))).toEqual([]);
  expect(loaded.filter((path) => /shared\/config|live-server/.test(path))).toEqual([]);
}, 30_000);

test('the poll command loads the mail rendering only when an email is due', async () => {
  const loaded = await staticClosure('functions/cli/commands.ts');
  expect(loaded).toContain('shared/services/source-escalation.ts');
  expect(loaded.filter((path) => /shared\/mail\/|node_modules\/hono\//.test(path))).toEqual([]);
}, 30_000);
