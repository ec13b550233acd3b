/**
 * @module One `start`/`serve` per DATA_DIR: `DATA_DIR/server.lock` is created with O_EXCL (only
 * one process can create it) and holds the owner's pid. A lock whose pid is dead (a crash, a
 * kill -9) is taken over under a second O_EXCL file, so of several processes racing for the
 * same stale lock only one removes it and none deletes another's fresh one. `runtime.json` alone could not do this: it is written only once the server is ready, so
 * two starts a few hundred milliseconds apart both saw none.
 */
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isProcessAlive } from './store-claim.ts';

export class ServerLockedError extends Error {
  override readonly name = 'ServerLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    super(
      pid === null
        ? `another policy-watch is starting on ${dataDir}; try again in a moment`
        : `policy-watch is already running on ${dataDir} (pid ${pid})`,
    );
  }
}

export interface ServerLock {
  release(): Promise<void>;
}

export interface ServerLockOptions {
  /** Default `process.pid` (tests run many contenders in one process). */
  pid?: number;
  /** Default: `kill(pid, 0)` succeeds. */
  isAlive?: (pid: number) => boolean;
}

const TAKEOVER_STALE_MS = 10_000;

/** Paths this process holds, so a lock with our own pid is told apart from a reused pid. */
const held = new Set<string>();

async function ownerOf(file: string): Promise<number | null | 'missing'> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** Takes `DATA_DIR/server.lock`, or throws `ServerLockedError` naming the live owner. */
export async function acquireServerLock(
  dataDir: string,
  options: ServerLockOptions = {},
): Promise<ServerLock> {
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? isProcessAlive;
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'server.lock');
  const key = `${file}:${pid}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${pid}\n`);
      } finally {
        await handle.close();
      }
      held.add(key);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          held.delete(key);
          if ((await ownerOf(file)) === pid) await unlink(file).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await ownerOf(file);
    if (owner === 'missing') continue;
    // An empty file is a contender between its create and its write: it is alive.
    if (owner === null) throw new ServerLockedError(dataDir, null);
    const ours = owner === pid;
    if (ours ? held.has(key) : isAlive(owner)) throw new ServerLockedError(dataDir, owner);
    if (!(await takeOver(file, owner))) await delay(5 + Math.floor(Math.random() * 20));
  }
  throw new ServerLockedError(dataDir, null);
}

/**
 * Removes a stale lock under `server.lock.takeover` (also O_EXCL): only its holder may delete
 * the lock, and only after reading the same dead pid again, so a fresh lock is never deleted.
 * Returns false when another contender is taking over (the caller waits and retries).
 */
async function takeOver(file: string, stalePid: number): Promise<boolean> {
  const mutex = `${file}.takeover`;
  try {
    await (await open(mutex, 'wx')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A takeover file outlives its holder only if that process died within these few lines.
    const age = await stat(mutex).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    if (age > TAKEOVER_STALE_MS) await unlink(mutex).catch(() => {});
    return false;
  }
  try {
    if ((await ownerOf(file)) === stalePid) await unlink(file).catch(() => {});
  } finally {
    await unlink(mutex).catch(() => {});
  }
  return true;
}
