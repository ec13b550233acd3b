/**
 * Process start: `policy-watch --help` (the compiled dist/ build, as after `npm ci`; run.ts
 * builds it first) against a bare `node -e ""`, and each Lambda handler bundled as the deployment
 * bundles it (esbuild: minified ESM with its libraries, lazily imported modules split into chunks, Node 20) timed from import to
 * initialised, in a fresh process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../scripts/lambda-bundle.ts';
import type { BenchOptions, BenchRow } from './run.ts';
import { measureProcess } from './support/measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HANDLERS = ['api', 'poll', 'worker', 'digest'];

async function median(runs: number, fn: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await fn());
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? Number.NaN;
}

export async function benchStartup(options: BenchOptions): Promise<BenchRow[]> {
  const runs = options.quick ? 1 : 7;
  const env = { ...process.env, NODE_OPTIONS: '' };
  const bare = await median(
    runs,
    async () => (await measureProcess(process.execPath, ['-e', ''], { env })).ms,
  );
  const help = await median(runs, async () => {
    const run = await measureProcess(process.execPath, [join(ROOT, 'bin/policy-watch.js'), '--help'], {
      env,
      cwd: ROOT,
    });
    if (run.code !== 0) throw new Error(`--help exited ${run.code}: ${run.stderr}`);
    return run.ms;
  });
  const rows: BenchRow[] = [
    {
      name: 'policy-watch --help (whole process)',
      baseline: bare,
      measured: help,
      ratio: help / bare,
      unit: 'ms',
      against: 'node -e ""',
      limit: 150,
    },
  ];
  const dir = await mkdtemp(join(tmpdir(), 'pw-bench-lambda-'));
  try {
    await build({
      absWorkingDir: ROOT,
      entryPoints: Object.fromEntries(HANDLERS.map((name) => [name, `functions/${name}.ts`])),
      outdir: dir,
      ...LAMBDA_BUNDLE,
    });
    for (const name of HANDLERS) {
      const file = pathToFileURL(join(dir, `${name}.mjs`)).href;
      const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
      const init = await median(runs, async () => {
        const run = await measureProcess(process.execPath, ['--input-type=module', '-e', script], { env });
        if (run.code !== 0) throw new Error(`${name} handler failed to load: ${run.stderr.slice(0, 500)}`);
        return Number(run.stdout);
      });
      rows.push({
        name: `Lambda ${name} handler bundle: module initialisation`,
        baseline: null,
        measured: init,
        ratio: null,
        unit: 'ms',
        limit: 300,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
