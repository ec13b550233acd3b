/**
 * A source failing N polls in a row is escalated once by email to the staff address, and its
 * recovery reported once, through the outbox queue (dynalite + the SES emulator).
 */

import { describe, expect, it } from 'vitest';
import { createSesMailer } from '#shared/mail/ses-mailer.ts';
import { drainMailQueue } from '#shared/services/mail-queue.ts';
import { runPollCycle } from '#shared/services/poll.ts';
import type { fixedClock } from '#shared/system/clock.ts';
import { makeConfig } from '../support/builders.ts';
import { fixture } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer, useTestSes } from '../support/hooks.ts';
import { serviceDeps } from '../support/service-deps.ts';

const FEED = { body: fixture('legislation-new-data-feed-2015.xml'), contentType: 'application/atom+xml' };

const db = useDynalite();
const ses = useTestSes();
const server = useFixtureServer({});

function setup(escalation: Record<string, unknown> | undefined) {
  const config = makeConfig({
    sources: [
      {
        id: 'flaky',
        title: 'Flaky <b>feed</b>',
        kind: 'feed',
        url: server.url('/flaky.feed'),
        allowPrivateNetwork: true,
      },
      { id: 'fine', kind: 'feed', url: server.url('/fine.feed'), allowPrivateNetwork: true },
    ],
    ...(escalation ? { escalation } : {}),
  });
  return config;
}

async function depsFor(escalation: Record<string, unknown> | undefined) {
  const { store } = await db.newStore();
  const config = setup(escalation);
  const { deps, clock } = serviceDeps({
    config,
    store,
    now: '2026-03-02T09:00:00.000Z',
    mailer: createSesMailer({ client: ses.client, maxSendRate: 1000 }),
  });
  return { deps, clock: clock as ReturnType<typeof fixedClock> };
}

describe('source failure escalation', () => {
  it('emails staff once after N failures in a row and once on recovery', async () => {
    await ses.clear();
    server.set('/fine.feed', FEED);
    server.set('/flaky.feed', { fault: { kind: 'status', status: 503 } });
    const { deps, clock } = await depsFor({ staffEmail: 'ops@example.org', failuresBeforeEscalation: 3 });
    const poll = async () => {
      await runPollCycle(deps);
      await drainMailQueue(deps);
      clock.advance(3600_000);
    };

    await poll();
    await poll();
    expect(await ses.emailsTo('ops@example.org')).toHaveLength(0);
    await poll();
    let emails = await ses.emailsTo('ops@example.org');
    expect(emails.map((email) => email.subject)).toEqual(['[Test Org] Source failing: Flaky <b>feed</b>']);
    expect(emails[0]?.body.text).toContain('failed 3 polls in a row');
    expect(emails[0]?.body.html).toContain('Flaky &lt;b&gt;feed&lt;/b&gt;');
    expect(emails[0]?.body.html).not.toContain('<b>feed');
    expect(await deps.store.sources.get('flaky')).toMatchObject({ consecutiveFailures: 3 });
    expect((await deps.store.sources.get('flaky'))?.escalatedAt).toBeTruthy();

    await poll();
    await poll();
    expect(await ses.emailsTo('ops@example.org')).toHaveLength(1);

    server.set('/flaky.feed', FEED);
    await poll();
    await poll();
    emails = await ses.emailsTo('ops@example.org');
    expect(emails.map((email) => email.subject)).toEqual([
      '[Test Org] Source failing: Flaky <b>feed</b>',
      '[Test Org] Source working again: Flaky <b>feed</b>',
    ]);
    expect((await deps.store.sources.get('flaky'))?.escalatedAt ?? null).toBeNull();

    // A new run of failures is a new escalation.
    server.set('/flaky.feed', { fault: { kind: 'status', status: 500 } });
    for (let i = 0; i < 4; i++) await poll();
    expect(await ses.emailsTo('ops@example.org')).toHaveLength(3);
  });

  it('a crash between queueing and recording queues nothing twice', async () => {
    await ses.clear();
    server.set('/fine.feed', FEED);
    server.set('/flaky.feed', { fault: { kind: 'status', status: 503 } });
    const { deps, clock } = await depsFor({ staffEmail: 'ops@example.org', failuresBeforeEscalation: 1 });
    const setEscalatedAt = deps.store.sources.setEscalatedAt;
    deps.store.sources.setEscalatedAt = async () => {
      throw new Error('store went away');
    };
    await runPollCycle(deps);
    deps.store.sources.setEscalatedAt = setEscalatedAt;
    clock.advance(3600_000);
    await runPollCycle(deps);
    await drainMailQueue(deps);
    expect(await ses.emailsTo('ops@example.org')).toHaveLength(1);
  });

  it('without an escalation address nothing is sent', async () => {
    await ses.clear();
    server.set('/flaky.feed', { fault: { kind: 'status', status: 503 } });
    const { deps } = await depsFor(undefined);
    for (let i = 0; i < 4; i++) await runPollCycle(deps);
    expect(await drainMailQueue(deps)).toMatchObject({ sent: 0 });
    expect(await ses.emails()).toHaveLength(0);
  });
});
