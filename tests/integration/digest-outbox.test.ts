import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '#shared/domain/ports.ts';
import { buildMime } from '#shared/mail/mime.ts';
import { createSesMailer } from '#shared/mail/ses-mailer.ts';
import { outboxFileName, startEmbeddedMail, withOutbox } from '../../functions/local/embedded-mail.ts';
import { useTestSes } from '../support/hooks.ts';

let dir: string;

const ses = useTestSes();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const message = (to: string) =>
  buildMime({
    fromName: 'Test Org',
    fromAddress: 'alerts@example.org',
    to,
    subject: 'Hello ünïcode',
    text: 'Plain body',
    html: '<p>HTML body</p>',
    unsubscribeUrl: 'http://localhost:3000/unsubscribe?token=x.y',
  });

describe('embedded mail sink', () => {
  it('receives raw messages through the SES API and shows them in the inbox', async () => {
    const mailer = createSesMailer({ client: ses.client, maxSendRate: 100 });
    const { messageId } = await mailer.sendRaw({
      from: 'alerts@example.org',
      to: 'ann@example.org',
      raw: await message('ann@example.org'),
    });
    const [email] = await ses.emailsTo('ann@example.org');
    expect(email).toMatchObject({ messageId, subject: 'Hello ünïcode', body: { text: 'Plain body' } });
    expect(email?.body.html).toContain('<p>HTML body</p>');
    const inbox = await fetch(`${ses.endpoint}/`);
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toMatch(/<html/i);
  });

  it('withOutbox keeps every sent message as <messageId>.eml', async () => {
    const mailer = withOutbox(createSesMailer({ client: ses.client, maxSendRate: 100 }), join(dir, 'outbox'));
    const raw = await message('bob@example.org');
    const { messageId } = await mailer.sendRaw({ from: 'alerts@example.org', to: 'bob@example.org', raw });
    expect(await readdir(join(dir, 'outbox'))).toEqual([`${messageId}.eml`]);
    expect(await readFile(join(dir, 'outbox', `${messageId}.eml`))).toEqual(raw);
  });

  it('a failed send saves nothing; a failed save does not fail the send', async () => {
    const failing: Mailer = {
      sendRaw: async () => {
        throw new Error('boom');
      },
    };
    const out = join(dir, 'outbox-2');
    await expect(
      withOutbox(failing, out).sendRaw({ from: 'a@b.c', to: 'd@e.f', raw: Buffer.from('x') }),
    ).rejects.toThrow('boom');
    await expect(readdir(out)).rejects.toThrow();
    const ok: Mailer = { sendRaw: async () => ({ messageId: 'm-1' }) };
    // A file where the directory should be: the save fails, the send stands.
    const blocked = join(dir, 'blocked');
    await withOutbox(ok, blocked).sendRaw({ from: 'a@b.c', to: 'd@e.f', raw: Buffer.from('x') });
    await expect(
      withOutbox(ok, join(blocked, 'm-1.eml', 'x')).sendRaw({
        from: 'a@b.c',
        to: 'd@e.f',
        raw: Buffer.from('x'),
      }),
    ).resolves.toEqual({
      messageId: 'm-1',
    });
  });

  it('keeps message ids safe as file names', () => {
    expect(outboxFileName('ses-123456789')).toBe('ses-123456789.eml');
    expect(outboxFileName('../../etc/passwd')).toBe('.._.._etc_passwd.eml');
  });

  it('binds a free port on 127.0.0.1 when asked for port 0', async () => {
    const mail = await startEmbeddedMail({ port: 0 });
    try {
      expect(mail.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mail.endpoint).not.toBe(ses.endpoint);
      expect((await fetch(`${mail.endpoint}/health-check`)).status).toBe(200);
    } finally {
      await mail.close();
    }
  });
});
