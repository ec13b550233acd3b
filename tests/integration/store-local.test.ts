import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createDocumentClient, createDynamoStore, ensureTable } from '#shared/store/index.ts';
import { StoreLockedError, startEmbeddedStore } from '../../functions/local/embedded-store.ts';
import {
  openLocalStore,
  readLiveServer,
  removeRuntime,
  writeRuntime,
} from '../../functions/local/live-server.ts';
import { startLocal } from '../../functions/local/start.ts';
import { makeAlert, makeSourceState } from '../support/builders.ts';
import { useTempDirEach } from '../support/hooks.ts';

const tmp = useTempDirEach('pw-store-');

/** A store client on `endpoint`, closed after the test. */
async function storeAt(endpoint: string) {
  const client = createDocumentClient({ endpoint, region: 'eu-west-2' });
  tmp.cleanup(async () => client.destroy());
  await ensureTable(client, 'policy-watch');
  return createDynamoStore({ client, tableName: 'policy-watch' });
}

const state = (sourceId: string) => makeSourceState({ sourceId });

/** A pid that certainly belongs to no process: one that has just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid ?? 999_999;
}

describe('embedded store', () => {
  test('persists in DATA_DIR across restarts and frees the folder on close', async () => {
    const first = await startEmbeddedStore({ dataDir: tmp.path });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await (await storeAt(first.endpoint)).sources.put(state('kept'));
    await first.close();
    const second = await startEmbeddedStore({ dataDir: tmp.path });
    tmp.cleanup(() => second.close());
    expect((await (await storeAt(second.endpoint)).sources.get('kept'))?.sourceId).toBe('kept');
  });

  test('a second open of a held folder is a clear error, not a crash', async () => {
    const first = await startEmbeddedStore({ dataDir: tmp.path });
    tmp.cleanup(() => first.close());
    const error = await startEmbeddedStore({ dataDir: tmp.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`held by another policy-watch process (pid ${process.pid})`);
    expect((error as Error).message).toContain(join(tmp.path, 'dynamodb'));
    // The holder is unaffected.
    await (await storeAt(first.endpoint)).ping();
  });

  test('an owner file left by a dead process does not block', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(tmp.path, 'dynamodb'), { recursive: true });
    await writeFile(join(tmp.path, 'dynamodb.owner'), String(await deadPid()));
    const store = await startEmbeddedStore({ dataDir: tmp.path });
    tmp.cleanup(() => store.close());
    expect(await readFile(join(tmp.path, 'dynamodb.owner'), 'utf8')).toBe(String(process.pid));
  });
});

describe('runtime.json', () => {
  test('is returned only while its pid lives, and removed only by its pid', async () => {
    expect(await readLiveServer(tmp.path)).toBeNull();
    const info = {
      pid: process.pid,
      storeEndpoint: 'http://127.0.0.1:1',
      mailEndpoint: 'http://127.0.0.1:2',
    };
    await writeRuntime(tmp.path, { ...info, apiUrl: 'http://127.0.0.1:3' });
    expect(await readLiveServer(tmp.path)).toEqual({ ...info, apiUrl: 'http://127.0.0.1:3' });
    await removeRuntime(tmp.path, process.pid + 1);
    expect(await readLiveServer(tmp.path)).not.toBeNull();
    await removeRuntime(tmp.path, process.pid);
    expect(await readLiveServer(tmp.path)).toBeNull();

    await writeRuntime(tmp.path, { ...info, pid: await deadPid() });
    expect(await readLiveServer(tmp.path)).toBeNull();
  });

  test('openLocalStore: explicit endpoint, then a live runtime, else embedded', async () => {
    const explicit = await openLocalStore({ dataDir: tmp.path, endpoint: 'http://db.example:8000' });
    expect(explicit).toMatchObject({ endpoint: 'http://db.example:8000', embedded: false });

    const embedded = await openLocalStore({ dataDir: tmp.path });
    tmp.cleanup(() => embedded.close());
    expect(embedded.embedded).toBe(true);

    await writeRuntime(tmp.path, { pid: process.pid, storeEndpoint: embedded.endpoint, mailEndpoint: null });
    const shared = await openLocalStore({ dataDir: tmp.path });
    expect(shared).toMatchObject({ endpoint: embedded.endpoint, embedded: false });
  });
});

const runtimeModule = fileURLToPath(new URL('../../functions/local/live-server.ts', import.meta.url));

/** Another process holding the embedded store of `dir` until its stdin closes. */
async function holder(dir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const script = `
    const { openLocalStore } = await import(${JSON.stringify(runtimeModule)});
    const store = await openLocalStore({ dataDir: ${JSON.stringify(dir)} });
    console.log('endpoint ' + store.endpoint);
    process.stdin.resume();
    process.stdin.on('end', async () => { await store.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  tmp.cleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    if (line.startsWith('endpoint ')) return { child, endpoint: line.slice('endpoint '.length) };
  }
  throw new Error('holder process exited before opening the store');
}

describe('two processes', () => {
  test('cannot both open one DATA_DIR; with runtime.json they share it; a crash frees it', async () => {
    const { child, endpoint } = await holder(tmp.path);
    const other = await storeAt(endpoint);
    await other.sources.put(state('written-by-holder'));

    const error = await openLocalStore({ dataDir: tmp.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`(pid ${child.pid})`);

    await writeRuntime(tmp.path, { pid: child.pid ?? 0, storeEndpoint: endpoint, mailEndpoint: null });
    const shared = await openLocalStore({ dataDir: tmp.path });
    expect(shared).toEqual(expect.objectContaining({ endpoint, embedded: false }));

    // A crash (no cleanup) leaves runtime.json and the owner file behind; neither blocks.
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await readLiveServer(tmp.path)).toBeNull();
    const mine = await openLocalStore({ dataDir: tmp.path });
    tmp.cleanup(() => mine.close());
    expect(mine.embedded).toBe(true);
    expect((await (await storeAt(mine.endpoint)).sources.get('written-by-holder'))?.sourceId).toBe(
      'written-by-holder',
    );
  });
});

const alert = (id: string) =>
  makeAlert({
    id,
    topics: ['t'],
    matched: [{ topic: 't', terms: ['data'] }],
    source: { id: 's', title: 'S' },
  });

/*
 * The embedded store counts the writes it answers, whichever process sent them: under `start` or
 * `serve` that count is the listing generation (no store read per listing request), so it must
 * move on every write, a command's beside the server included, and never on a read.
 */
describe('the embedded store write count', () => {
  test('moves after every write, from any client, and never on a read', async () => {
    const embedded = await startEmbeddedStore({ dataDir: null });
    tmp.cleanup(() => embedded.close());
    const server = await storeAt(embedded.endpoint);
    const command = await storeAt(embedded.endpoint);
    const start = embedded.writes();
    await server.alerts.list({ limit: 20, cursor: null });
    await server.alerts.get('nothing');
    await server.ping();
    expect(embedded.writes()).toEqual(start);
    await command.alerts.createMany([alert('one')]);
    const afterCreate = embedded.writes();
    expect(afterCreate.token).not.toBe(start.token);
    // dynalite answers a write once its indexes are written: nothing to settle.
    expect(afterCreate.changedAt).toBe(0);
    await command.sources.put(state('s'));
    expect(embedded.writes().token).not.toBe(afterCreate.token);
  });

  test('serve uses it as the listing generation, and a new alert shows in the next response', async () => {
    const configPath = join(tmp.path, 'watch.json');
    const source = { id: 's', title: 'S', kind: 'feed', url: 'https://example.org/feed' };
    const topic = { id: 't', title: 'T', query: 'data' };
    const organisation = { name: 'T', contact: 'policy@example.org' };
    const config = { organisation, sources: [source], topics: [topic], digests: { from: 'a@example.org' } };
    await writeFile(configPath, JSON.stringify(config));
    const out = { stdout: () => {}, stderr: () => {}, isTTY: false };
    const env = { DATA_DIR: join(tmp.path, 'data'), PORT: '0', MAIL_PORT: '0' };
    const served = await startLocal({ env, configPath, out, mode: 'serve' });
    tmp.cleanup(() => served.close());
    const generation = await served.runtime.deps.store.alerts.listingGeneration();
    expect(generation.token).toMatch(/^embedded:\d+$/);
    const count = async () =>
      ((await (await fetch(`${served.url}/api/alerts`)).json()) as { items: unknown[] }).items.length;
    expect(await count()).toBe(0);
    expect(await count()).toBe(0); // kept at once (nothing to settle) and answered from memory
    await (await storeAt(served.runtime.storeEndpoint)).alerts.createMany([alert('beside')]);
    expect(await count()).toBe(1);
  });
});
