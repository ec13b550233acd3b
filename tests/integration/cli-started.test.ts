/**
 * When the command line says a one-shot command has started (cli.ts `onStarted`, where the
 * process entry tunes V8's memory: functions/cli/memory-tuning.ts): once per command, after its
 * store is open and before its report, and never for help, usage errors or an invalid config.
 * In-process the hook is a spy, so no V8 flag is set in the test's own process; one child process
 * checks the real entry point (bin/policy-watch.js) sets its flags only then.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../functions/cli.ts';
import { BIN, captureOutput, localEnv, ROOT, runNode, writeConfigFile } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-cli-started-'));
const config = writeConfigFile(join(dir, 'watch.json'), {
  topics: [{ id: 'pb', title: 'Participatory budgeting', query: '"participatory budgeting"' }],
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs `args` with a spy for `onStarted` that notes what had happened when it was called. */
async function run(args: string[], dataDir: string) {
  vi.stubEnv('DATA_DIR', dataDir);
  vi.stubEnv('DYNAMODB_ENDPOINT', '');
  vi.stubEnv('SES_ENDPOINT', '');
  const { out, text } = captureOutput();
  const seen: { storeOpen: boolean; reported: boolean }[] = [];
  const onStarted = vi.fn(() => {
    seen.push({ storeOpen: existsSync(join(dataDir, 'dynamodb')), reported: text.stdout !== '' });
  });
  const code = await main(args, out, { onStarted });
  return { code, calls: onStarted.mock.calls.length, seen, text };
}

describe('onStarted', () => {
  it('poll: once, with its store open and before its report', async () => {
    const result = await run(['poll', '--json', '--config', config], join(dir, 'poll'));
    expect(result.code).toBe(0);
    expect(result.seen).toEqual([{ storeOpen: true, reported: false }]);
    expect(JSON.parse(result.text.stdout)).toMatchObject({ sources: [] });
  });

  it('digest: once, with its store open and before its report', async () => {
    const result = await run(
      ['digest', '--frequency', 'daily', '--dry-run', '--json', '--config', config],
      join(dir, 'digest'),
    );
    expect(result.code).toBe(0);
    expect(result.seen).toEqual([{ storeOpen: true, reported: false }]);
  });

  it('check and evaluate: once, before their report', async () => {
    const check = await run(['check', '--json', '--config', config], join(dir, 'check'));
    expect(check).toMatchObject({ code: 0, seen: [{ reported: false }] });
    const labels = join(dir, 'labels.json');
    writeFileSync(labels, JSON.stringify([{ title: 'Participatory budgeting guide', labels: ['pb'] }]));
    const evaluate = await run(
      ['evaluate', '--json', '--config', config, '--labels', labels],
      join(dir, 'evaluate'),
    );
    expect(evaluate).toMatchObject({ code: 0, seen: [{ reported: false }] });
  });

  it.each([
    ['help', ['poll', '--help'], 0],
    ['a usage error', ['poll', '--frequency', 'daily'], 2],
    ['an unknown command', ['pol'], 2],
    ['a missing config', ['poll', '--json', '--config', join(dir, 'absent.json')], 1],
  ])('not for %s', async (_name, args, code) => {
    const result = await run(args, join(dir, 'none'));
    expect({ code: result.code, calls: result.calls }).toEqual({ code, calls: 0 });
  });
});

// Preloaded into the command's process: records each V8 flag set, and whether the store's folder
// (created when the command takes its store) existed at the first, then prints them at exit.
const RECORD_FLAGS = `
import v8 from 'node:v8';
import { existsSync } from 'node:fs';
const flags = [];
let storeOpenAtFirst = null;
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flag) => {
  storeOpenAtFirst ??= existsSync(process.env.DATA_DIR + '/dynamodb');
  flags.push(flag);
  return set(flag);
};
process.on('exit', () => process.stderr.write('FLAGS ' + JSON.stringify({ flags, storeOpenAtFirst }) + '\\n'));
`;
const hook = join(dir, 'record-flags.mjs');
writeFileSync(hook, RECORD_FLAGS);

describe('the policy-watch process', () => {
  it('sets its memory flags only once poll has opened its store', async () => {
    const result = await runNode(['--import', hook, BIN, 'poll', '--json', '--config', config], {
      cwd: ROOT,
      env: localEnv(join(dir, 'process'), { NODE_OPTIONS: '' }),
    });
    expect(result.code).toBe(0);
    const line = result.stderr.split('\n').find((text) => text.startsWith('FLAGS '));
    const recorded = JSON.parse(line?.slice('FLAGS '.length) ?? 'null') as {
      flags: string[];
      storeOpenAtFirst: boolean;
    };
    expect(recorded.storeOpenAtFirst).toBe(true);
    expect(recorded.flags.slice(0, 2)).toEqual(['--liftoff-only', '--heap-growing-percent=20']);
  });

  it('sets none for --help', async () => {
    const result = await runNode(['--import', hook, BIN, 'poll', '--help'], {
      cwd: ROOT,
      env: localEnv(join(dir, 'help'), { NODE_OPTIONS: '' }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('FLAGS {"flags":[],"storeOpenAtFirst":null}');
  });
});
