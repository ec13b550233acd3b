import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ROOT, runNode } from '../support/cli.ts';

const ResultsSchema = z.object({
  version: z.literal(1),
  date: z.string(),
  durationMs: z.number(),
  quick: z.literal(true),
  machine: z.object({
    cores: z.number().int().positive(),
    cpu: z.string(),
    memoryMiB: z.number().positive(),
    node: z.string().startsWith('v'),
    platform: z.string(),
  }),
  peers: z.object({ rss2email: z.string().nullable(), urlwatch: z.string().nullable() }),
  rows: z
    .array(
      z.object({
        file: z.string().endsWith('.bench.ts'),
        name: z.string().min(1),
        baseline: z.number().nullable(),
        measured: z.number(),
        ratio: z.number().nullable(),
        unit: z.string().min(1),
        against: z.string().nullable(),
        goal: z.number().nullable(),
        limit: z.number().nullable(),
        samples: z
          .object({ measured: z.array(z.number()).min(1), baseline: z.array(z.number()).nullable() })
          .nullable(),
      }),
    )
    .min(1),
});

describe('npm run bench -- --quick', () => {
  // The figures are not checked (they depend on the machine): only that it runs and reports.
  it('runs and writes well-formed results with the machine and every row', { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pw-bench-test-'));
    const out = join(dir, 'results.json');
    try {
      const { code, stdout, stderr } = await runNode(
        // Two repetitions: the rounds that start from nothing start from nothing again.
        [
          '--import',
          'tsx',
          'bench/run.ts',
          '--quick',
          '--reps',
          '2',
          '--no-peers',
          '--out',
          out,
          'rounds',
          'match',
        ],
        { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
      );
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/^benchmark\s+baseline\s+measured\s+ratio/);
      const results = ResultsSchema.parse(JSON.parse(await readFile(out, 'utf8')));
      const names = results.rows.map((row) => row.name);
      expect(names.some((name) => name.includes('feeds, all new: wall time'))).toBe(true);
      expect(names.some((name) => name.includes('inside a running process'))).toBe(true);
      expect(names.some((name) => name.includes('MiB: peak RSS'))).toBe(true);
      // The stack's floor runs beside the rounds it is defined for.
      expect(names).toContain("poll 20 pages, first run: the stack's floor, wall time");
      expect(names).toContain("poll 20 feeds, unchanged (304): the stack's floor, wall time");
      expect(names).toContain("poll 20 feeds, 10% changed: the stack's floor, wall time");
      // Without peers the poll rounds stand alone: no baseline, no ratio.
      const round = results.rows.find((row) => row.name.includes('feeds, all new: wall time'));
      expect(round).toMatchObject({ baseline: null, ratio: null });
      // The median of both repetitions, each of which is kept.
      expect(round?.samples?.measured).toHaveLength(2);
      expect(round?.samples?.baseline).toBeNull();
      const [a = 0, b = 0] = round?.samples?.measured ?? [];
      expect(round?.measured).toBeCloseTo((a + b) / 2, 6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
