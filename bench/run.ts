/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each exports `bench*` functions returning rows)
 * and prints each measurement beside its baseline from the same run, as a ratio. Figures from
 * one machine at one moment: compare ratios, not absolute numbers across machines.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  baseline: number;
  measured: number;
  /** measured / baseline, in whatever direction the row's name explains. */
  ratio: number;
  unit: string;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir)).filter((file) => file.endsWith('.bench.ts')).sort();
const rows: (BenchRow & { file: string })[] = [];
for (const file of files) {
  if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
  const module = (await import(pathToFileURL(`${dir}${file}`).href)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(module)) {
    if (!name.startsWith('bench') || typeof fn !== 'function') continue;
    process.stderr.write(`running ${file} ${name}…\n`);
    const result = (await (fn as () => Promise<BenchRow[]>)()) ?? [];
    rows.push(...result.map((row) => ({ ...row, file })));
  }
}
const format = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3));
const header = ['benchmark', 'baseline', 'measured', 'ratio', 'unit'];
const body = rows.map((row) => [
  row.name,
  format(row.baseline),
  format(row.measured),
  `${row.ratio.toFixed(2)}x`,
  row.unit,
]);
const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => (line[i] ?? '').length)));
for (const line of [header, ...body])
  console.log(line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
process.exit(0);
