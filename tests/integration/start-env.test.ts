/**
 * What `start` and every command read before anything runs (docs/contract.md §5): the environment with its
 * defaults and errors, the config path rule, unreadable config files, and local secrets
 * generated once into DATA_DIR with mode 0600.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/system/clock.ts';
import { loadConfigFile, resolveConfigPath } from '../../functions/config-file.ts';
import { EnvError, loadEnv } from '../../functions/env.ts';
import { localSecrets } from '../../functions/local/secrets.ts';
import { clockFor } from '../../functions/wiring.ts';
import { writeConfigFile } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadEnv', () => {
  it('applies the contract defaults to an empty environment', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      TABLE_NAME: 'policy-watch',
      MAIL_PORT: 8005,
      AWS_REGION: 'eu-west-2',
      PORT: 3000,
      DATA_DIR: '.data',
    });
    for (const unset of ['DYNAMODB_ENDPOINT', 'SES_ENDPOINT', 'MAIL_FROM', 'PUBLIC_URL', 'STAFF_API_KEYS']) {
      expect(env[unset as keyof typeof env], unset).toBeUndefined();
    }
  });

  it.each([
    ['PORT', '0', 0],
    ['MAIL_PORT', '0', 0],
    ['PUBLIC_URL', 'https://alerts.example.org/', 'https://alerts.example.org'],
    ['STAFF_API_KEYS', ' one , two ,, ', ['one', 'two']],
    ['DYNAMODB_ENDPOINT', 'http://127.0.0.1:8000', 'http://127.0.0.1:8000'],
    ['DYNAMODB_ENDPOINT', '', undefined],
    ['POLICY_WATCH_NOW', '2026-11-26T07:00:00Z', '2026-11-26T07:00:00Z'],
  ])('%s=%j', (name, value, expected) => {
    expect(loadEnv({ [name]: value })[name as 'PORT']).toEqual(expected);
  });

  it('reports every invalid variable by name', () => {
    try {
      loadEnv({
        PORT: 'eighty',
        PUBLIC_URL: 'not a url',
        POLICY_WATCH_NOW: 'yesterday',
        SIGNING_SECRET: 'short',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      expect((error as EnvError).issues.map((issue) => issue.variable).sort()).toEqual([
        'POLICY_WATCH_NOW',
        'PORT',
        'PUBLIC_URL',
        'SIGNING_SECRET',
      ]);
    }
  });
});

describe('resolveConfigPath', () => {
  it.each([
    [undefined, {}, '/cwd/config/watch.json'],
    [undefined, { POLICY_WATCH_CONFIG: 'other.json' }, '/cwd/other.json'],
    ['flag.json', { POLICY_WATCH_CONFIG: 'other.json' }, '/cwd/flag.json'],
    ['/abs/watch.json', {}, '/abs/watch.json'],
  ])('--config %s with %j', (flag, env, expected) => {
    expect(resolveConfigPath(flag, env, '/cwd')).toBe(expected);
  });
});

describe('loadConfigFile', () => {
  it('turns a missing file into a config error', async () => {
    const result = await loadConfigFile(join(dir, 'missing.json'));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '', message: expect.stringContaining('file not found') }],
    });
  });

  it('reads and validates a file', async () => {
    const path = join(dir, 'watch.json');
    writeConfigFile(path, { organisation: { name: 'Org', contact: 'policy@example.org' } });
    expect((await loadConfigFile(path)).ok).toBe(true);
  });
});

describe('localSecrets', () => {
  it('generates the staff key and signing secret once, private to the user', async () => {
    const env = loadEnv({ DATA_DIR: join(dir, 'data') });
    const first = await localSecrets(env);
    expect(first.generatedStaffKey).toMatch(/^pw_[A-Za-z0-9_-]{32}$/);
    expect(first.staffKeys).toEqual([first.generatedStaffKey]);
    for (const name of ['staff-api-key', 'signing-secret']) {
      expect(statSync(join(dir, 'data', name)).mode & 0o777, name).toBe(0o600);
    }
    const second = await localSecrets(env);
    expect(second).toEqual(first);
    expect(readFileSync(join(dir, 'data/signing-secret'), 'utf8').trim()).toBe(first.signingSecret);
  });

  it('uses the environment when set, generating nothing', async () => {
    const env = loadEnv({
      DATA_DIR: join(dir, 'other'),
      STAFF_API_KEYS: 'a,b',
      SIGNING_SECRET: 'sixteen-characters-at-least',
    });
    expect(await localSecrets(env)).toEqual({
      staffKeys: ['a', 'b'],
      signingSecret: 'sixteen-characters-at-least',
      generatedStaffKey: null,
    });
  });
});

describe('clockFor', () => {
  it('starts at POLICY_WATCH_NOW and runs on from it', () => {
    const base = fixedClock('2030-01-01T00:00:00Z');
    const clock = clockFor(loadEnv({ POLICY_WATCH_NOW: '2026-11-26T07:00:00Z' }), base);
    expect(clock.now().toISOString()).toBe('2026-11-26T07:00:00.000Z');
    base.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-11-26T07:01:30.000Z');
    expect(clockFor(loadEnv({}), base)).toBe(base);
  });

  // docs/contract.md: a date-only or offset-less input is read in `digests.timezone`.
  it.each([
    ['2026-11-26T07:00:00Z', 'Europe/London', '2026-11-26T07:00:00.000Z'],
    ['2026-07-01T07:00:00+02:00', 'Europe/London', '2026-07-01T05:00:00.000Z'],
    ['2026-07-01T07:00:00', 'Europe/London', '2026-07-01T06:00:00.000Z'],
    ['2026-11-26T07:00', 'Europe/London', '2026-11-26T07:00:00.000Z'],
    ['2026-07-01', 'Europe/London', '2026-06-30T23:00:00.000Z'],
    ['2026-07-01T07:00:00', 'UTC', '2026-07-01T07:00:00.000Z'],
  ])('POLICY_WATCH_NOW=%s in %s starts at %s', (value, zone, expected) => {
    const clock = clockFor(loadEnv({ POLICY_WATCH_NOW: value }), fixedClock('2030-01-01T00:00:00Z'), zone);
    expect(clock.now().toISOString()).toBe(expected);
  });
});
