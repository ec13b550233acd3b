/**
 * One `start`/`serve` per DATA_DIR, however close together they start: many rounds of
 * concurrent contenders on the real file system (exactly one wins each round, a stale lock of a
 * dead pid is taken over by exactly one), then two real `start` processes launched together.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireServerLock, ServerLockedError } from '../../functions/local/server-lock.ts';
import { BIN, localEnv, writeConfigFile } from '../support/cli.ts';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pw-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function contend(dataDir: string, pids: number[], alive: Set<number>) {
  const results = await Promise.allSettled(
    pids.map((pid) => acquireServerLock(dataDir, { pid, isAlive: (p) => alive.has(p) })),
  );
  const winners = results.filter((result) => result.status === 'fulfilled');
  for (const result of results) {
    if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ServerLockedError);
  }
  return winners.map((winner) => winner.value);
}

describe('acquireServerLock', () => {
  it('exactly one of several concurrent starts wins, over 150 rounds', async () => {
    for (let round = 0; round < 150; round++) {
      const dataDir = join(dir, `fresh-${round}`);
      const pids = Array.from({ length: 2 + (round % 3) }, (_, index) => 1000 + round * 10 + index);
      const winners = await contend(dataDir, pids, new Set(pids));
      expect(winners).toHaveLength(1);
      await winners[0]?.release();
      expect(existsSync(join(dataDir, 'server.lock'))).toBe(false);
    }
  });

  it('a stale lock (dead pid) is taken over by exactly one contender, over 100 rounds', async () => {
    for (let round = 0; round < 100; round++) {
      const dataDir = join(dir, `stale-${round}`);
      await acquireServerLock(dataDir, { pid: 99, isAlive: () => true }); // then "killed"
      const pids = [2000 + round * 10, 2001 + round * 10, 2002 + round * 10];
      const winners = await contend(dataDir, pids, new Set(pids));
      expect(winners).toHaveLength(1);
      const owner = Number(readFileSync(join(dataDir, 'server.lock'), 'utf8'));
      expect(pids).toContain(owner);
    }
  });

  it('names the live owner; a released lock can be taken again', async () => {
    const dataDir = join(dir, 'owner');
    const first = await acquireServerLock(dataDir, { pid: 4242, isAlive: () => true });
    await expect(acquireServerLock(dataDir, { pid: 4343, isAlive: () => true })).rejects.toMatchObject({
      name: 'ServerLockedError',
      pid: 4242,
    });
    await first.release();
    const second = await acquireServerLock(dataDir, { pid: 4343, isAlive: () => true });
    await second.release();
  });

  it('a lock left with this very pid by an earlier crashed process (pid reuse) is taken over', async () => {
    const dataDir = join(dir, 'reused');
    await acquireServerLock(dataDir, { pid: 4444, isAlive: () => true }).then(async () => {
      // Simulate the crash: the file stays, the holder is gone from this process's memory.
      const text = readFileSync(join(dataDir, 'server.lock'), 'utf8');
      rmSync(join(dataDir, 'server.lock'));
      writeFileSync(join(dataDir, 'server.lock'), text);
    });
    writeFileSync(join(dataDir, 'server.lock'), `${process.pid}\n`);
    const lock = await acquireServerLock(dataDir);
    await lock.release();
  });
});

describe('two real starts launched together', () => {
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  });

  function start(dataDir: string, configPath: string) {
    const child = spawn(process.execPath, [BIN, 'start', '--config', configPath], {
      cwd: dir,
      env: localEnv(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    return new Promise<{ outcome: 'listening' | 'refused'; output: string }>((done, fail) => {
      child.stdout?.on('data', () => {
        if (/^listening /m.test(output)) done({ outcome: 'listening', output });
      });
      child.once('exit', (code) => {
        if (code === 1 && /already running|already_running|is starting/.test(output))
          done({ outcome: 'refused', output });
        else fail(new Error(`start exited ${code}:\n${output}`));
      });
    });
  }

  it('exactly one runs, whatever the gap (0 to 300 ms), over 2 rounds', async () => {
    const configPath = writeConfigFile(join(dir, 'watch.json'), {
      topics: [{ id: 'data', title: 'Data', query: 'data' }],
    });
    for (const gap of [0, 300]) {
      const dataDir = join(dir, `real-${gap}`);
      const first = start(dataDir, configPath);
      await new Promise((wait) => setTimeout(wait, gap));
      const second = start(dataDir, configPath);
      const outcomes = (await Promise.all([first, second])).map((result) => result.outcome).sort();
      expect(outcomes).toEqual(['listening', 'refused']);
      for (const child of children) child.kill('SIGKILL');
      children.clear();
    }
  });
});
