/**
 * Faults: `policy-watch digest` SIGKILLed at randomised points, several times, then the run a
 * restarted `start` makes. Every subscriber gets every alert; an alert reaches someone twice only
 * inside the documented window (SES accepted the message but the kill came before the mark, so
 * the first message was never recorded), and only once its claim has gone stale.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '#shared/mail/ses-mailer.ts';
import { runDigest, STALE_CLAIM_MS } from '#shared/services/digest.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { makeConfig } from '../support/builders.ts';
import { carriedAndRecorded, numberedAlert, numberedSubscriber } from '../support/digest-runs.ts';
import { useDynalite, useTestSes } from '../support/hooks.ts';
import { mailDeps } from '../support/mail-harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/policy-watch.js');
const SUBSCRIBERS = 40;
const ALERTS = 5;
const KILLS = 4;
const T0 = '2026-11-26T08:00:00.000Z';
const RAW_CONFIG = {
  organisation: { name: 'Test Org', contact: 'policy@example.org' },
  sources: [{ id: 'leg', kind: 'feed', url: 'https://www.legislation.gov.uk/new/data.feed' }],
  topics: [{ id: 'localism-act', title: 'Localism Act 2011', query: '"localism act"' }],
  // Paced, so each killed run is still sending when its kill comes: at full speed a run of 40
  // emails can end between two looks at the inbox, and nothing would be killed mid-run.
  digests: { from: 'alerts@example.org', maxSendRate: 40 },
};

let dir: string;

const db = useDynalite();
const ses = useTestSes();
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pw-digest-kill-'));
  writeFileSync(join(dir, 'watch.json'), JSON.stringify(RAW_CONFIG));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

const alert = (i: number) => numberedAlert('kill', 'Killed run alert number', i);
const subscriber = (i: number) => numberedSubscriber('reader', i);

function runChild(tableName: string): ChildProcess {
  return spawn(
    process.execPath,
    [BIN, 'digest', '--frequency', 'immediate', '--json', '--config', join(dir, 'watch.json')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        DATA_DIR: join(dir, 'data'),
        DYNAMODB_ENDPOINT: db.endpoint,
        SES_ENDPOINT: ses.endpoint,
        TABLE_NAME: tableName,
        POLICY_WATCH_NOW: T0,
        SIGNING_SECRET: 'kill-test-signing-secret-0123456789',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      stdio: 'ignore',
    },
  );
}

/** Kills the child with SIGKILL once the inbox holds `target` messages (or when it ends first). */
async function killAt(child: ChildProcess, target: number): Promise<'killed' | 'finished'> {
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let finished = false;
  void exited.then(() => {
    finished = true;
  });
  while (!finished && (await ses.emails()).length < target) {
    await new Promise((wait) => setTimeout(wait, 15));
  }
  if (finished) return 'finished';
  child.kill('SIGKILL');
  await exited;
  return 'killed';
}

describe('digest killed mid-run', () => {
  it('every subscriber gets every alert, duplicates only inside the documented window', async () => {
    const { store, tableName } = await db.newStore();
    await ses.clear();
    for (let i = 0; i < ALERTS; i++) expect(await store.alerts.create(alert(i))).toBe(true);
    for (let i = 0; i < SUBSCRIBERS; i++) await store.subscribers.put(subscriber(i));

    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      const before = (await ses.emails()).length;
      const target = before + 1 + Math.floor(Math.random() * 8);
      if ((await killAt(runChild(tableName), target)) === 'killed') kills++;
    }
    // The children are the compiled command: if they sent nothing, its mail transport is broken.
    expect((await ses.emails()).length, 'messages the killed `digest` runs sent').toBeGreaterThan(0);
    expect(kills).toBeGreaterThan(0);

    // The restarted `start` runs the immediate digest at once: live claims of the killed runs are
    // theirs, so those wait; 15 minutes on they are stale and sent.
    const clock = fixedClock(new Date(Date.parse(T0) + 60_000));
    const deps = mailDeps({
      store,
      clock,
      mailer: createSesMailer({ client: ses.client, maxSendRate: 1000 }),
      config: makeConfig({ topics: RAW_CONFIG.topics }),
    });
    await runDigest(deps, { frequency: 'immediate' });
    clock.advance(STALE_CLAIM_MS + 60_000);
    const last = await runDigest(deps, { frequency: 'immediate' });
    expect(last.failed).toEqual([]);
    expect(await runDigest(deps, { frequency: 'immediate' })).toMatchObject({ sent: [] });

    const everyone = Array.from({ length: SUBSCRIBERS }, (_, i) => subscriber(i));
    const list = Array.from({ length: ALERTS }, (_, a) => alert(a));
    for (const { email, alert: sent, carrying, recorded, recordedAll } of await carriedAndRecorded(
      ses,
      store,
      everyone,
      list,
    )) {
      expect(carrying.length, `${email} ${sent.id}`).toBeGreaterThanOrEqual(1);
      // Every message but the one recorded was accepted by SES and then never marked.
      expect(carrying, `${email} ${sent.id} recorded`).toContain(recorded);
      for (const extra of carrying.filter((id) => id !== recorded)) expect(recordedAll).not.toContain(extra);
    }
  }, 180_000);
});
