/**
 * `npm start` does not pass SIGTERM on to its child: when whatever started `policy-watch start`
 * goes away, the service stops cleanly by itself instead of holding the port and the store.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'pw-orphan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('policy-watch start without its parent', () => {
  it('stops cleanly when the process that started it exits', async () => {
    const data = join(dir, 'data');
    // A shell stands in for npm: it starts the service, reports its pid, waits for it to be
    // ready, then exits without passing anything on.
    const script = `node bin/policy-watch.js start > "${dir}/out.log" 2>&1 & echo $!; while ! grep -q listening "${dir}/out.log" 2>/dev/null; do sleep 0.2; done`;
    const shell = spawn('sh', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: data, PORT: '0', MAIL_PORT: '0', STAFF_API_KEYS: 'k' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    shell.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await new Promise((resolveExit) => shell.once('exit', resolveExit));
    const pid = Number(output.trim().split('\n')[0]);
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    expect(existsSync(join(data, 'runtime.json'))).toBe(true);

    for (let waited = 0; alive(pid) && waited < 20_000; waited += 200) await delay(200);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    expect(alive(pid)).toBe(false);
    // A clean stop removes runtime.json, so the next start or command is not confused.
    expect(existsSync(join(data, 'runtime.json'))).toBe(false);
  });
});
