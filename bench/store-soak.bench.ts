/**
 * Longer store soak than the test suite's: 5,000 paged listings (200 with --quick; three pages
 * each) over an on-disk embedded store, in a child process with --expose-gc. Memory after a full GC once
 * warmed up (baseline) and at the end (measured): the ratio should stay near 1.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchOptions, BenchRow } from './run.ts';

const SCRIPT = fileURLToPath(new URL('../tests/soak/listing-soak.ts', import.meta.url));
const MB = 1024 * 1024;

export async function benchStoreSoak(options: BenchOptions): Promise<BenchRow[]> {
  const LISTINGS = options.quick ? 200 : 5000;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', SCRIPT, String(LISTINGS)],
    { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  const { before, after } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<
    'before' | 'after',
    { rss: number; heapUsed: number; external: number }
  >;
  const row = (name: string, key: 'rss' | 'heapUsed' | 'external'): BenchRow => ({
    name: `store soak ${LISTINGS} listings: ${name} (warm → end)`,
    baseline: before[key] / MB,
    measured: after[key] / MB,
    ratio: after[key] / before[key],
    unit: 'MB',
  });
  return [row('RSS', 'rss'), row('heap used', 'heapUsed'), row('external', 'external')];
}
