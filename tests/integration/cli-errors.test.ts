/**
 * How the CLI reports what a user can fix (docs/contract.md §4): each failure is
 * `{"error":{"code","message","details"?}}` under --json with its own code (never a bare
 * `internal` for a bad variable, a held store or a busy port), and a usage error shows the help
 * of the command it was about.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HELP } from '../../functions/cli/help.ts';
import { CliError } from '../../functions/cli/output.ts';
import { main, toCliError } from '../../functions/cli.ts';
import { EnvError } from '../../functions/env.ts';
import { startEmbeddedMail } from '../../functions/local/embedded-mail.ts';
import { StoreLockedError, startEmbeddedStore } from '../../functions/local/embedded-store.ts';
import { StoreUnavailableError } from '../../functions/wiring.ts';
import { captureOutput, writeConfigFile } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-cli-errors-'));
const config = join(dir, 'watch.json');
writeConfigFile(config);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('toCliError', () => {
  it.each<[string, unknown, { code: string; exitCode: number; details?: unknown }]>([
    [
      'an invalid variable',
      new EnvError([{ variable: 'PORT', message: 'expected number' }]),
      { code: 'invalid_environment', exitCode: 1, details: [{ path: 'PORT', message: 'expected number' }] },
    ],
    [
      'a store held elsewhere',
      new StoreLockedError('/x/dynamodb', 42),
      { code: 'store_locked', exitCode: 1 },
    ],
    [
      'an unreachable store',
      new StoreUnavailableError('http://127.0.0.1:1', 'policy-watch', new Error('ECONNREFUSED')),
      { code: 'store_unavailable', exitCode: 1 },
    ],
    ['a CLI error', new CliError('port_in_use', 'busy'), { code: 'port_in_use', exitCode: 1 }],
    [
      "a CLI error of the long-running commands' own bundle (another CliError class)",
      Object.assign(new Error('busy'), { name: 'CliError', code: 'already_running', exitCode: 1 }),
      { code: 'already_running', exitCode: 1 },
    ],
    [
      'an error merely named CliError, without a code',
      Object.assign(new Error('odd'), { name: 'CliError' }),
      { code: 'internal', exitCode: 1 },
    ],
    ['anything else', new Error('boom'), { code: 'internal', exitCode: 1 }],
  ])('%s', (_name, error, expected) => {
    const cliError = toCliError(error);
    expect({ code: cliError.code, exitCode: cliError.exitCode, details: cliError.details }).toEqual({
      details: undefined,
      ...expected,
    });
  });
});

describe('policy-watch failures', () => {
  it('a bad environment variable is invalid_environment, naming the variable', async () => {
    vi.stubEnv('PORT', 'eighty');
    vi.stubEnv('DATA_DIR', join(dir, 'env'));
    const { out, text } = captureOutput();
    expect(await main(['digest', '--frequency', 'daily', '--json', '--config', config], out)).toBe(1);
    const body = JSON.parse(text.stdout) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('invalid_environment');
    expect(body.error.details.map((detail) => detail.path)).toEqual(['PORT']);
  });

  it('a store held by another process is store_locked, exit 1', async () => {
    const dataDir = join(dir, 'held');
    const held = await startEmbeddedStore({ dataDir });
    try {
      vi.stubEnv('DATA_DIR', dataDir);
      const { out, text } = captureOutput();
      expect(await main(['digest', '--frequency', 'daily', '--json', '--config', config], out)).toBe(1);
      const body = JSON.parse(text.stdout) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('store_locked');
      expect(body.error.message).toContain('held by another policy-watch process');
    } finally {
      await held.close();
    }
  });

  it('an unreachable DYNAMODB_ENDPOINT is store_unavailable, naming the endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const { port } = closed.address() as { port: number };
    await new Promise((done) => closed.close(done));
    vi.stubEnv('DATA_DIR', join(dir, 'unreachable'));
    vi.stubEnv('DYNAMODB_ENDPOINT', `http://127.0.0.1:${port}`);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const { out, text } = captureOutput();
    expect(await main(['digest', '--frequency', 'daily', '--json', '--config', config], out)).toBe(1);
    const body = JSON.parse(text.stdout) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('store_unavailable');
    expect(body.error.message).toContain(`http://127.0.0.1:${port}`);
  });

  it('a busy MAIL_PORT is port_in_use, not a crash', async () => {
    const blocker = createServer();
    await new Promise<void>((ready) => blocker.listen(0, '127.0.0.1', ready));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startEmbeddedMail({ port })).rejects.toMatchObject({ code: 'port_in_use' });
    } finally {
      await new Promise((closed) => blocker.close(closed));
    }
  });

  it('an empty --config is a usage error, not the default config', async () => {
    const { out, text } = captureOutput();
    expect(await main(['check', '--config=', '--json'], out)).toBe(2);
    expect(JSON.parse(text.stdout)).toEqual({ error: { code: 'usage', message: '--config needs a path' } });
  });

  it('a usage error the parser finds shows the help of the command named', async () => {
    const { out, text } = captureOutput();
    expect(await main(['poll', '--config'], out)).toBe(2);
    expect(text.stderr).toContain(HELP.poll);
  });
});
