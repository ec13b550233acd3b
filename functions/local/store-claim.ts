/**
 * @module Who holds the embedded store's folder. LevelDB allows one opener per folder, and a second
 * dynalite on a held folder crashes on its first request, so the folder is claimed first (an owner
 * file created exclusively) and a held store is a clear `StoreLockedError`. Free of dynalite, so
 * the thread that starts the store's worker (embedded-store.ts) never loads it.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';

export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(
      `the store in ${dir} is held by another policy-watch process${pid === null ? '' : ` (pid ${pid})`}; ` +
        'stop it, or run this command while its `start` is running so it shares that store',
    );
  }
}

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelModule = { Level: new (location: string) => LevelDb };

// A fresh owner file with a live pid may belong to a process still starting dynalite.
const OWNER_GRACE_MS = 10_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens a LevelDB folder: false when another process holds it. */
export async function openUnlessLocked(db: { open(): Promise<void> }, dir: string): Promise<boolean> {
  try {
    await db.open();
    return true;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') return false;
    throw new Error(`cannot open the store in ${dir}`, { cause: error });
  }
}

async function probeUnlocked(dir: string): Promise<boolean> {
  // `level` is dynalite's own dependency; resolving it from dynalite keeps the probe on the
  // exact LevelDB build dynalite will open.
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as LevelModule;
  const db = new Level(dir);
  if (!(await openUnlessLocked(db, dir))) return false;
  await db.close();
  return true;
}

async function readOwner(file: string): Promise<{ pid: number | null; ageMs: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const pid = Number.parseInt(text.trim(), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : null, ageMs: Date.now() - info.mtimeMs };
  } catch {
    return null;
  }
}

/** Claims `<dir>` for this process, or throws StoreLockedError. Returns the owner file. */
export async function claimFolder(dir: string): Promise<string> {
  const ownerFile = `${dir}.owner`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(ownerFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      // LevelDB's own lock is checked as the store opens (startEmbeddedStore), not by a probe
      // open here: one open of the folder instead of two.
      return ownerFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(ownerFile);
    if (owner?.pid != null && isProcessAlive(owner.pid)) {
      // A live pid is trusted unless LevelDB says the folder is free and the claim is old
      // (the pid was reused after a crash).
      if (owner.ageMs < OWNER_GRACE_MS || !(await probeUnlocked(dir)))
        throw new StoreLockedError(dir, owner.pid);
    }
    await unlink(ownerFile).catch(() => {});
  }
  throw new StoreLockedError(dir, null);
}
