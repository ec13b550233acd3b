/**
 * @module Whole-process measurement: wall time and peak RSS of a child process, through GNU
 * `/usr/bin/time` when present (its maxrss covers the whole process tree), else by sampling
 * `/proc/<pid>/status` every 10 ms.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessFigures {
  ms: number;
  peakMiB: number;
  code: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

export async function measureProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessFigures> {
  const useTime = existsSync(GNU_TIME);
  const dir = await mkdtemp(join(tmpdir(), 'pw-measure-'));
  const timeFile = join(dir, 'time');
  const [file, argv] = useTime
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]]
    : [command, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (stdout.length < 1_000_000) stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 100_000) stderr += chunk.toString();
  });
  let sampledKiB = 0;
  const sampler = useTime
    ? null
    : setInterval(() => {
        readFile(`/proc/${child.pid}/status`, 'utf8')
          .then((status) => {
            const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
            sampledKiB = Math.max(sampledKiB, kib);
          })
          .catch(() => {});
      }, 10);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? -1)));
  const ms = performance.now() - started;
  clearTimeout(timer);
  if (sampler) clearInterval(sampler);
  let peakKiB = sampledKiB;
  if (useTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    peakKiB = Number(text.trim().split('\n').at(-1)) || 0;
  }
  await rm(dir, { recursive: true, force: true });
  return { ms, peakMiB: peakKiB / 1024, code, stdout, stderr };
}

/** The path of an executable on PATH, or null. */
export function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}
