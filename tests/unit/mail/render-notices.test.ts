import { describe, expect, it } from 'vitest';
import { renderConfirmation, renderStaffNotice } from '#shared/mail/render-notices.ts';
import { emailContent } from '../../support/email-html.ts';

const organisation = { name: 'Org & <Friends>', contact: 'policy@example.org' };
const links = { manage: 'http://h/manage?token=M', unsubscribe: 'http://h/unsubscribe?token=U' };
const staffNotice = () =>
  renderStaffNotice({
    organisation,
    email: "o'neil@example.org",
    topicTitles: ['Charity law', 'Housing <&> "homes"'],
    frequency: 'daily',
    links,
  });
const confirmation = (replacesExisting: boolean) =>
  renderConfirmation({
    organisation,
    timezone: 'Europe/London',
    email: 'ann@example.org',
    topicTitles: ['Charity law'],
    frequency: 'daily',
    confirmUrl: 'http://h/subscriptions/confirm?token=T',
    expiresAt: new Date('2026-12-03T07:00:00.000Z'),
    replacesExisting,
  });

describe('one-off email headings', () => {
  it.each([
    { name: 'confirmation', email: confirmation(false), h1: 'Confirm your subscription to policy alerts' },
    { name: 'change', email: confirmation(true), h1: 'Confirm the change to your policy alerts' },
    {
      name: 'staff notice',
      email: staffNotice(),
      h1: 'You have been subscribed to policy alerts',
    },
  ])('$name: the sender above a heading without the [organisation] tag', ({ email, h1 }) => {
    expect(email.subject).toBe(`[Org & <Friends>] ${h1}`);
    expect(email.html).toContain(`>${h1}</h1>`);
    expect(email.html).toContain('>Org &amp; &lt;Friends&gt; · policy alerts</p>');
  });
});

describe('one-off email HTML, byte for byte', () => {
  it.each([
    { name: 'confirmation', email: confirmation(false) },
    { name: 'confirmation-change', email: confirmation(true) },
    { name: 'staff-notice', email: staffNotice() },
  ])('$name', async ({ name, email }) => {
    await expect(emailContent(email.html)).toMatchFileSnapshot(`../../golden/${name}.html`);
  });
});
