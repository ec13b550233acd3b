/**
 * @module Builds floor-poll.ts (the stack's own floor of a poll round) the way scripts/build.mjs
 * builds the command line, so both start from bundled JavaScript; its store worker is the command
 * line's (dist/store-worker.js).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Bundles the floor program into `dir`; null when the command line's build is missing. */
export async function buildFloor(root: string, dir: string): Promise<string | null> {
  const worker = join(root, 'dist', 'store-worker.js');
  if (!existsSync(worker)) return null;
  const outfile = join(dir, 'floor-poll.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'bench', 'support', 'floor-poll.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    external: ['dynalite'],
    banner: {
      js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        name: 'store-worker',
        setup(pluginBuild) {
          pluginBuild.onLoad({ filter: /functions[\\/]local[\\/]embedded-store\.ts$/ }, async (args) => {
            const source = await readFile(args.path, 'utf8');
            const from = "new URL('./store-worker-tsx.mjs', import.meta.url)";
            if (!source.includes(from)) throw new Error('bench floor: the store worker URL moved');
            const to = `new URL(${JSON.stringify(pathToFileURL(worker).href)})`;
            return { contents: source.replace(from, to), loader: 'ts' };
          });
        },
      },
    ],
  });
  return outfile;
}
