/**
 * The `policy-watch` command as users and scripts drive it (docs/contract.md §4): real processes through the
 * package's `bin`, a temporary DATA_DIR (embedded store and mail sink) and a local fixture server.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP } from '../../functions/cli/help.ts';
import { writeConfigFile } from '../support/cli.ts';
import { fixture } from '../support/fixture-server.ts';
import { useFixtureServer } from '../support/hooks.ts';

const BIN = fileURLToPath(new URL('../../bin/policy-watch.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
let configPath: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: dir, DATA_DIR: join(dir, 'data'), MAIL_PORT: '0', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const server = useFixtureServer({
  '/changes.feed': {
    body: fixture('legislation-changes-affected-ukpga-2018-12.feed.xml'),
    contentType: 'application/atom+xml',
  },
  '/broken': { fault: { kind: 'status', status: 500 } },
});
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-watch-cli-'));
  configPath = writeConfigFile(join(dir, 'watch.json'), {
    organisation: { name: 'CLI Test', contact: 'policy@example.org' },
    sources: [
      {
        id: 'changes',
        kind: 'feed',
        url: server.url('/changes.feed'),
        allowPrivateNetwork: true,
        backfill: 'all',
      },
      { id: 'broken', kind: 'feed', url: server.url('/broken'), allowPrivateNetwork: true },
    ],
    topics: [{ id: 'dp', title: 'Data protection', query: 'legislation:ukpga/2018/12' }],
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('policy-watch check', () => {
  it('accepts the shipped config', async () => {
    const run = await cli(['check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/valid/);
  });

  it('prints every error with its JSON path and exits 1', async () => {
    const broken = writeConfigFile(join(dir, 'broken.json'), {
      organisation: { name: 'x', contact: 'not-an-email' },
      sources: [{ id: 'a', kind: 'feed', url: 'ftp://example.org' }],
      topics: [{ id: 't', title: 'T', query: 'councillor AND (' }],
      digests: { from: 'alerts@example.org', timezone: 'Mars/Olympus' },
    });
    const run = await cli(['check', '--config', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/organisation\.contact/);
    expect(run.stderr).toMatch(/sources\[0\]\.url/);
    expect(run.stderr).toMatch(/topics\[0\]\.query \(column \d+\)/);
    expect(run.stderr).toMatch(/digests\.timezone/);

    const json = await cli(['check', '--json', '--config', broken]);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as { valid: boolean; errors: { path: string; column?: number }[] };
    expect(body.valid).toBe(false);
    expect(body.errors.map((error) => error.path)).toEqual(
      expect.arrayContaining([
        'organisation.contact',
        'sources[0].url',
        'topics[0].query',
        'digests.timezone',
      ]),
    );
    expect(body.errors.find((error) => error.path === 'topics[0].query')?.column).toBeTypeOf('number');
  });

  it('honours POLICY_WATCH_CONFIG, with --config winning', async () => {
    expect((await cli(['check', '--json'], { POLICY_WATCH_CONFIG: configPath })).code).toBe(0);
    const missing = await cli(['check', '--json', '--config', join(dir, 'nope.json')], {
      POLICY_WATCH_CONFIG: configPath,
    });
    expect(missing.code).toBe(1);
  });
});

describe('usage', () => {
  it.each([
    [['frobnicate']],
    [[]],
    [['poll', '--frequency', 'daily']],
    [['digest']],
    [['digest', '--frequency', 'hourly']],
    [['check', '--no-such-flag']],
    [['check', 'extra']],
  ])('%j exits 2', async (args) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
  });

  it('--json usage errors are JSON', async () => {
    const run = await cli(['digest', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'usage' } });
  });

  it.each(['start', 'serve', 'poll', 'digest', 'check', 'evaluate', 'demo'] as const)(
    '%s --help',
    async (command) => {
      const run = await cli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(HELP[command]);
    },
  );
});

describe('policy-watch poll and digest', () => {
  it('polls and prints the docs/contract.md §4 JSON; an unknown --source exits 1', async () => {
    const run = await cli(['poll', '--json', '--config', configPath]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      sources: Record<string, unknown>[];
      alerts: string[];
      durationMs: number;
    };
    expect(Object.keys(report)).toEqual(['sources', 'alerts', 'durationMs']);
    expect(report.sources).toEqual([
      {
        id: 'changes',
        status: 'changed',
        httpStatus: 200,
        items: 3,
        newItems: 3,
        updatedItems: 0,
        alerts: 3,
      },
      {
        id: 'broken',
        status: 'failed',
        httpStatus: 500,
        items: 0,
        newItems: 0,
        updatedItems: 0,
        alerts: 0,
        error: expect.stringMatching(/500/),
      },
    ]);
    expect(report.alerts).toHaveLength(3);
    expect(Number.isInteger(report.durationMs)).toBe(true);

    const again = await cli(['poll', '--json', '--config', configPath, '--source', 'changes']);
    expect(JSON.parse(again.stdout).sources).toEqual([
      {
        id: 'changes',
        status: 'not-modified',
        httpStatus: 304,
        // Not parsed again; the count is what the source held when last read.
        items: 3,
        newItems: 0,
        updatedItems: 0,
        alerts: 0,
      },
    ]);

    const table = await cli(['poll', '--config', configPath, '--source', 'changes']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^source\s+status\s+http\s+items\s+new\s+updated\s+alerts\s+error/m);

    const unknown = await cli(['poll', '--json', '--config', configPath, '--source', 'nope']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'unknown_source' } });
  });

  it('runs a digest with nobody to send to', async () => {
    const run = await cli(['digest', '--frequency', 'daily', '--dry-run', '--json', '--config', configPath]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ sent: [], failed: [], skipped: 0 });
  });
});
