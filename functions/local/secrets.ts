/**
 * @module Local secrets: the staff API key and signing secret generated once into `DATA_DIR`
 * (mode 0600) when the environment does not set them. On AWS they come from SST secrets instead.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Env } from '../env.ts';
import type { Secrets } from '../wiring.ts';

export interface LocalSecrets extends Secrets {
  /** The key `start` prints: the one generated into DATA_DIR when `STAFF_API_KEYS` is unset. */
  generatedStaffKey: string | null;
}

/** Local default: keys generated once into `DATA_DIR` (mode 0600) when not in the environment. */
export async function localSecrets(env: Env): Promise<LocalSecrets> {
  const generated = env.STAFF_API_KEYS?.length
    ? null
    : await readOrCreate(
        join(env.DATA_DIR, 'staff-api-key'),
        () => `pw_${randomBytes(24).toString('base64url')}`,
      );
  const signingSecret =
    env.SIGNING_SECRET ??
    (await readOrCreate(join(env.DATA_DIR, 'signing-secret'), () => randomBytes(32).toString('base64url')));
  return {
    staffKeys: env.STAFF_API_KEYS?.length ? env.STAFF_API_KEYS : [generated ?? ''],
    signingSecret,
    generatedStaffKey: generated,
  };
}

async function readOrCreate(path: string, make: () => string): Promise<string> {
  try {
    // Read synchronously: a few bytes, where an asynchronous read queues in libuv's thread pool
    // behind the store worker's LevelDB work when a command starts (measured 1-16 ms).
    const existing = readFileSync(path, 'utf8').trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(resolve(path, '..'), { recursive: true });
  const value = make();
  try {
    // `wx`: two processes racing both end up with the first one's value.
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw error;
  }
  await chmod(path, 0o600);
  return value;
}
