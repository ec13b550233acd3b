/**
 * Soak: paged listings must not grow the embedded store's memory (dynalite used to leave every
 * Query's LevelDB iterator open: 600 listings grew the heap by 33 MB and RSS by 200 MB). Runs in a
 * child process with --expose-gc so the figures are after a full collection and not mixed with the
 * test runner's own heap. Bounded by count, not by time.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../soak/listing-soak.ts', import.meta.url));
const MB = 1024 * 1024;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

test('600 paged listings over an on-disk embedded store keep heap and RSS bounded', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', SCRIPT, '600'],
    { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  const { before, after } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    before: Memory;
    after: Memory;
  };
  expect((after.heapUsed + after.external - before.heapUsed - before.external) / MB).toBeLessThan(8);
  expect((after.rss - before.rss) / MB).toBeLessThan(64);
}, 180_000);
