/**
 * `policy-watch start` as a person runs it: a real child process on a temporary DATA_DIR with no
 * endpoints set (embedded dynalite and mail sink), a source on a local fixture server; a
 * one-shot `poll` shares the live store through runtime.json; SIGTERM exits 0 and a second
 * start sees what the first stored.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, localEnv, runNode } from '../support/cli.ts';
import { fixture } from '../support/fixture-server.ts';
import { useFixtureServer } from '../support/hooks.ts';

let dir = '';
let configPath = '';
const children = new Set<ChildProcess>();

const childEnv = () => localEnv(join(dir, 'data'));

interface Started {
  child: ChildProcess;
  url: string;
  lines: string[];
  exit: Promise<number | null>;
}

/** Spawns `start` and resolves once it printed `listening <url>`. */
async function start(): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'start', '--config', configPath], {
    cwd: dir,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  void exit.then(() => children.delete(child));
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((found, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const match = /^listening (\S+)$/.exec(line);
      if (match?.[1]) found(match[1]);
    });
    void exit.then((code) => fail(new Error(`start exited ${code} before listening:\n${stderr}`)));
  });
  return { child, url, lines, exit };
}

const runCli = (args: string[]) => runNode([BIN, ...args], { cwd: dir, env: childEnv(), children });

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

/** Polls `check` until it returns a value (the scheduler's first poll runs in the background). */
async function eventually<T>(check: () => Promise<T | null>, attempts = 100): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await check();
    if (value !== null) return value;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error('condition not met');
}

const fixtures = useFixtureServer({
  '/bills.rss': {
    body: fixture('parliament-bills-allpublicbills-2017.rss.xml'),
    contentType: 'application/rss+xml; charset=utf-8',
  },
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pw-start-'));
  configPath = join(dir, 'watch.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      organisation: { name: 'Test org', contact: 'policy@example.org' },
      sources: [
        {
          id: 'bills',
          title: 'Public bills',
          kind: 'feed',
          url: fixtures.url('/bills.rss'),
          backfill: 'all',
          allowPrivateNetwork: true,
        },
      ],
      topics: [{ id: 'data', title: 'Data and technology', query: 'data OR electric OR meters' }],
      digests: { from: 'alerts@example.org' },
    }),
  );
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe('policy-watch start', () => {
  it('serves, polls at once, shares its store with `poll`, stops cleanly and resumes', async () => {
    const first = await start();
    expect(first.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(first.lines.some((line) => /^staff-key \S+$/.test(line))).toBe(true);
    expect(first.lines.some((line) => /^inbox http:\/\/\S+$/.test(line))).toBe(true);
    expect(existsSync(join(dir, 'data/runtime.json'))).toBe(true);

    const health = await json<{ status: string }>(`${first.url}/api/health`);
    expect(health.status).toBe('ok');

    type SourceView = {
      id: string;
      lastPolledAt: string | null;
      lastStatus: string | null;
      lastError: string | null;
    };
    const polled = await eventually(async () => {
      const { items } = await json<{ items: SourceView[] }>(`${first.url}/api/sources`);
      return items[0]?.lastPolledAt ? items : null;
    });
    expect(polled[0]?.id).toBe('bills');
    expect(polled[0]?.lastStatus, polled[0]?.lastError ?? '').toBe('changed');
    const { items: alerts } = await json<{ items: { id: string }[] }>(`${first.url}/api/alerts`);
    expect(alerts.length).toBeGreaterThan(0);

    // A one-shot command while `start` lives: it must use start's store, not open its own.
    const poll = await runCli(['poll', '--json', '--config', configPath]);
    expect(poll.code, poll.stderr).toBe(0);
    const report = JSON.parse(poll.stdout) as { sources: { id: string; status: string }[]; alerts: string[] };
    expect(report.sources.map((source) => source.id)).toEqual(['bills']);
    expect(report.alerts).toEqual([]);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(existsSync(join(dir, 'data/runtime.json'))).toBe(false);

    const second = await start();
    const again = await json<{ items: { id: string }[] }>(`${second.url}/api/alerts`);
    expect(again.items.map((alert) => alert.id).sort()).toEqual(alerts.map((alert) => alert.id).sort());
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  });
});
