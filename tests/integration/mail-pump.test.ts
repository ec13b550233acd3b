/** The local drain of `start`/`serve`: a queued mail goes out right after it is queued. */

import { describe, expect, it } from 'vitest';
import { enqueueMail } from '#shared/services/mail-queue.ts';
import { startMailPump } from '../../functions/local/mail-pump.ts';
import { makeConfig } from '../support/builders.ts';
import { useDynalite } from '../support/hooks.ts';
import { MemoryMailer, serviceDeps } from '../support/service-deps.ts';

const db = useDynalite();

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((wait) => setTimeout(wait, 10));
};

describe('local mail pump', () => {
  it('sends what is queued at once, including mail queued while a drain runs', async () => {
    const { store } = await db.newStore();
    const mailer = new MemoryMailer();
    const { deps } = serviceDeps({
      config: makeConfig(),
      store,
      now: '2026-11-26T08:00:00.000Z',
      mailer,
    });
    const raw = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
    await enqueueMail(deps, { kind: 'test', to: 'left-behind@example.org', raw });
    const pump = startMailPump(deps, { everyMs: 3_600_000 });
    try {
      // Mail a previous process left is sent at start.
      await until(() => mailer.sent.length === 1);
      expect(mailer.sent.map((mail) => mail.to)).toEqual(['left-behind@example.org']);
      // The nudge from enqueueMail sends the next ones without waiting for the timer.
      await Promise.all(
        ['a@example.org', 'b@example.org', 'c@example.org'].map((to) =>
          enqueueMail(deps, { kind: 'test', to, raw }),
        ),
      );
      await until(() => mailer.sent.length === 4);
      await pump.nudge();
      expect(mailer.sent.map((mail) => mail.to).sort()).toEqual([
        'a@example.org',
        'b@example.org',
        'c@example.org',
        'left-behind@example.org',
      ]);
    } finally {
      await pump.stop();
    }
    expect(deps.mailQueued).toBeUndefined();
  });
});
