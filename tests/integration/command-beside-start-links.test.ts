import { describe, expect, test } from 'vitest';
import { parseConfig } from '#shared/config/schema.ts';
import { createLogger } from '#shared/system/logger.ts';
import { loadEnv } from '../../functions/env.ts';
import { openLocalStore, writeRuntime } from '../../functions/local/live-server.ts';
import { openLocalDeps } from '../../functions/local/local-deps.ts';
import { useTempDirEach } from '../support/hooks.ts';

const parsed = parseConfig({
  organisation: { name: 'Test org', contact: 'policy@example.org' },
  sources: [{ id: 's', title: 'S', kind: 'feed', url: 'https://example.org/feed' }],
  topics: [{ id: 't', title: 'T', query: 'data' }],
  digests: { from: 'alerts@example.org' },
});
if (!parsed.ok) throw new Error('test config invalid');
const config = parsed.config;

const tmp = useTempDirEach('pw-links-');

describe('links in emails sent by a command beside a live start', () => {
  test.each([
    {
      name: 'the server public URL from runtime.json',
      runtime: { apiUrl: 'http://localhost:41234', publicUrl: 'https://alerts.example.org' },
      env: {},
      expected: 'https://alerts.example.org',
    },
    {
      name: 'the server API URL when runtime.json has no public URL',
      runtime: { apiUrl: 'http://localhost:41234' },
      env: {},
      expected: 'http://localhost:41234',
    },
    {
      name: "the command's own PUBLIC_URL first",
      runtime: { apiUrl: 'http://localhost:41234', publicUrl: 'https://alerts.example.org' },
      env: { PUBLIC_URL: 'https://mine.example.org' },
      expected: 'https://mine.example.org',
    },
  ])('$name', async ({ runtime, env, expected }) => {
    const store = await openLocalStore({ dataDir: tmp.path });
    tmp.cleanup(() => store.close());
    await writeRuntime(tmp.path, {
      pid: process.pid,
      storeEndpoint: store.endpoint,
      mailEndpoint: 'http://127.0.0.1:1',
      ...runtime,
    });
    const opened = await openLocalDeps({
      env: loadEnv({ DATA_DIR: tmp.path, ...env }),
      config,
      logger: createLogger({ write: () => {} }),
      role: 'command',
    });
    tmp.cleanup(() => opened.close());
    expect(opened.deps.publicUrl).toBe(expected);
  });
});
