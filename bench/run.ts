/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each exports `bench*` functions returning rows),
 * prints one table and writes `bench/results.json` (every figure, the machine, the ratios).
 * A row compares what policy-watch measured with a baseline from the same run (a peer tool, or a
 * reference such as the pipeline without the store) as `measured / baseline`; `goal` is the ratio
 * aimed for, `limit` an absolute ceiling. Figures from one machine at one moment: compare ratios,
 * not absolute numbers across machines.
 *
 *   npm run bench                 everything
 *   npm run bench -- --quick      scaled down (under a minute)
 *   npm run bench -- --no-peers   without rss2email and urlwatch
 *   npm run bench -- --reps N     each whole-process poll round N times, median reported (5; 1 quick)
 *   npm run bench -- rounds api   only the files whose names contain these words
 *   npm run bench -- --out FILE   results elsewhere than bench/results.json
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { which } from './support/measure.ts';

export interface BenchRow {
  name: string;
  /** The peer's or reference figure; null when there is none (a peer not installed). */
  baseline: number | null;
  measured: number;
  /** measured / baseline, in whatever direction the row's name explains. */
  ratio: number | null;
  unit: string;
  /** What the baseline is (a peer tool's name), when not the row's own reference. */
  against?: string | null;
  /** The ratio aimed for (lower is better unless the unit is a rate). */
  goal?: number | null;
  /** An absolute ceiling for `measured`. */
  limit?: number | null;
  /** Every repetition behind a median: `measured`'s, and the baseline's when it has one. */
  samples?: { measured: number[]; baseline: number[] | null } | null;
}

/** The same test as bin/policy-watch.js: dist/ exists and no source changed since. */
function freshBuild(): boolean {
  try {
    const root = new URL('..', import.meta.url);
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/build.json', root), 'utf8')) as {
      builtAt: number;
      inputs: string[];
    };
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

export interface BenchOptions {
  quick: boolean;
  peers: boolean;
  /** How many times a whole-process poll round runs (each tool); the median is reported. */
  reps: number;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dir = fileURLToPath(new URL('.', import.meta.url));
const { values, positionals } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
    out: { type: 'string', default: `${dir}results.json` },
    reps: { type: 'string' },
  },
  allowPositionals: true,
});
const reps = values.reps === undefined ? (values.quick ? 1 : 5) : Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) {
  process.stderr.write(`--reps must be a whole number of at least 1, not "${values.reps}"\n`);
  process.exit(2);
}
const options: BenchOptions = { quick: values.quick, peers: !values['no-peers'], reps };
// The digest bench sizes itself from this variable: 100 subscribers keep --quick under a minute.
if (options.quick) process.env.BENCH_DIGEST_SUBSCRIBERS ??= '100';
const peers = { rss2email: which('r2e'), urlwatch: which('urlwatch') };
if (options.peers) {
  for (const [name, path] of Object.entries(peers))
    if (!path) process.stderr.write(`${name} is not installed: its rounds show policy-watch alone\n`);
}
// Whole-process figures are of the compiled command line, as `npm ci` leaves it (rebuilt only
// when missing or stale, so commands running meanwhile keep their build).
if (!freshBuild()) {
  const built = spawnSync(process.execPath, [`${dir}../scripts/build.mjs`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0)
    process.stderr.write('build failed: whole-process figures are of the tsx fallback\n');
}
const files = (await readdir(dir)).filter((file) => file.endsWith('.bench.ts')).sort();
const rows: (BenchRow & { file: string })[] = [];
const started = Date.now();
for (const file of files) {
  if (positionals.length > 0 && !positionals.some((name) => file.includes(name))) continue;
  const module = (await import(pathToFileURL(`${dir}${file}`).href)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(module)) {
    if (!name.startsWith('bench') || typeof fn !== 'function') continue;
    process.stderr.write(`running ${file} ${name}…\n`);
    const fileStarted = performance.now();
    const result = (await (fn as (options: BenchOptions) => Promise<BenchRow[]>)(options)) ?? [];
    rows.push(...result.map((row) => ({ ...row, file })));
    process.stderr.write(`  ${name} took ${((performance.now() - fileStarted) / 1000).toFixed(1)} s\n`);
  }
}

const format = (value: number | null | undefined) =>
  value == null ? '-' : Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
const verdict = (row: BenchRow) => {
  if (row.limit != null) return row.measured <= row.limit ? `ok (<= ${row.limit})` : `over ${row.limit}`;
  if (row.goal == null || row.ratio == null) return '';
  return row.ratio <= row.goal ? `ok (<= ${row.goal}x)` : `missed (${row.goal}x)`;
};
const header = ['benchmark', 'baseline', 'measured', 'ratio', 'unit', 'against', 'goal'];
const body = rows.map((row) => [
  row.name,
  format(row.baseline),
  format(row.measured),
  row.ratio == null ? '-' : `${row.ratio.toFixed(2)}x`,
  row.unit,
  row.against ?? '',
  verdict(row),
]);
const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => (line[i] ?? '').length)));
for (const line of [header, ...body])
  console.log(
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );

const results = {
  version: 1,
  date: new Date(started).toISOString(),
  durationMs: Date.now() - started,
  quick: options.quick,
  machine: {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  },
  peers: options.peers ? peers : { rss2email: null, urlwatch: null },
  rows: rows.map((row) => ({
    file: row.file,
    name: row.name,
    baseline: row.baseline,
    measured: row.measured,
    ratio: row.ratio,
    unit: row.unit,
    against: row.against ?? null,
    goal: row.goal ?? null,
    limit: row.limit ?? null,
    samples: row.samples ?? null,
  })),
};
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`results written to ${values.out}\n`);
process.exit(0);
