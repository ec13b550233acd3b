/**
 * @module Running the `policy-watch` command in tests: a config file on disk, the environment of
 * a local run, the command as a child process or `main` in-process, with its output collected.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Output } from '../../functions/cli/output.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/policy-watch.js');

/**
 * Writes a config file at `path` and returns the path: organisation "T", no sources, no topics,
 * digests from alerts@example.org; top-level keys of `overrides` replace these.
 */
export function writeConfigFile(path: string, overrides: Record<string, unknown> = {}): string {
  writeFileSync(
    path,
    JSON.stringify({
      organisation: { name: 'T', contact: 'policy@example.org' },
      sources: [],
      topics: [],
      digests: { from: 'alerts@example.org' },
      ...overrides,
    }),
  );
  return path;
}

/**
 * The environment of a local `start` or one-shot command: the caller's, less any endpoints,
 * keys or public URL (so the embedded store and mail sink are used), with `dataDir` and ephemeral
 * ports.
 */
export function localEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', MAIL_PORT: '0' };
  for (const name of [
    'DYNAMODB_ENDPOINT',
    'SES_ENDPOINT',
    'STAFF_API_KEYS',
    'SIGNING_SECRET',
    'PUBLIC_URL',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child process's stdout and stderr, as they arrive. */
export function collectOutput(child: ChildProcess): { stdout: string; stderr: string } {
  const text = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    text.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text.stderr += chunk.toString();
  });
  return text;
}

/**
 * Runs `node <args>` to its end; `children` (when given) holds the child while it runs, so an
 * `afterEach` can kill what a failed test left behind.
 */
export function runNode(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; children?: Set<ChildProcess> },
): Promise<CliRun> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.children?.add(child);
  const text = collectOutput(child);
  return new Promise((done) => {
    child.once('close', (code) => {
      options.children?.delete(child);
      done({ code, ...text });
    });
  });
}

/** An `Output` that keeps what the command writes. */
export function captureOutput(isTTY = false): { out: Output; text: { stdout: string; stderr: string } } {
  const text = { stdout: '', stderr: '' };
  const out: Output = {
    stdout: (chunk) => {
      text.stdout += chunk;
    },
    stderr: (chunk) => {
      text.stderr += chunk;
    },
    isTTY,
  };
  return { out, text };
}

/** Runs the command's `main` in this process (loaded on first use), keeping its output. */
export async function runMain(args: string[]): Promise<CliRun> {
  const { main } = await import('../../functions/cli.ts');
  const { out, text } = captureOutput();
  const code = await main(args, out);
  return { code, ...text };
}
