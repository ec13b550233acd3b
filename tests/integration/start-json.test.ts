/**
 * `start --json` and `demo --json` (docs/contract.md §4: `--json` prints one JSON document on stdout instead
 * of the human report): once ready, exactly one document with what the lines would say.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../functions/local/demo.ts';
import { startLocal } from '../../functions/local/start.ts';
import { captureOutput, writeConfigFile } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-start-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--json on the long-running commands', () => {
  it('start prints one JSON document once ready', async () => {
    const configPath = join(dir, 'watch.json');
    writeConfigFile(configPath);
    const { out, text } = captureOutput();
    const env = { DATA_DIR: join(dir, 'start'), PORT: '0', MAIL_PORT: '0' };
    const server = await startLocal({ env, configPath, out, json: true });
    try {
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const ready = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
      expect(ready).toMatchObject({
        listening: server.url,
        staffKey: expect.stringMatching(/^pw_/),
        inbox: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
        dataDir: resolve(env.DATA_DIR),
      });
    } finally {
      await server.close();
    }
  });

  it('demo prints the ready report and the loop results as one document', async () => {
    const { out, text } = captureOutput();
    const env = { DATA_DIR: join(dir, 'demo'), PORT: '0', MAIL_PORT: '0' };
    const configPath = resolve(import.meta.dirname, '../../config/watch.json');
    const server = await startDemo({ env, configPath, out, json: true });
    try {
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const report = JSON.parse(lines[0] ?? '') as { listening: string; demo: Record<string, number> };
      expect(report.listening).toBe(server.url);
      expect(report.demo.alerts).toBeGreaterThan(0);
      expect(report.demo.staleFactsheets).toBeGreaterThan(0);
      expect(report.demo.digestAlerts).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
