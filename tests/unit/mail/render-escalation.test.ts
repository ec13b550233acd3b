import { describe, expect, it } from 'vitest';
import { renderSourceHealth, type SourceHealthRenderInput } from '#shared/mail/render-escalation.ts';
import { emailContent } from '../../support/email-html.ts';

const base: Omit<SourceHealthRenderInput, 'event'> = {
  organisation: { name: 'Org & <Friends>' },
  timezone: 'Europe/London',
  source: { id: 'flaky', title: 'Flaky <b>feed</b>\r\nBcc: x@y', url: 'https://example.org/feed?a=1&b=2' },
  dashboardUrl: 'http://localhost:3000/staff#sources',
};

describe('source health emails', () => {
  it.each<{
    name: string;
    event: SourceHealthRenderInput['event'];
    source?: SourceHealthRenderInput['source'];
  }>([
    {
      name: 'source-failing',
      event: {
        kind: 'failing',
        failures: 3,
        since: '2026-07-01T06:00:00.000Z',
        lastError: 'HTTP 500 <script>alert(1)</script>\n"quoted" & \'single\'',
      },
      // A source URL that is not http(s) is shown as text, never a live link.
      source: { id: 'flaky', title: 'Flaky <b>feed</b>', url: 'javascript:alert(2)' },
    },
    {
      name: 'source-recovered',
      event: { kind: 'recovered', at: '2026-11-25T09:30:00.000Z', failedSince: '2026-11-24T06:00:00.000Z' },
    },
  ])('$name: HTML byte for byte, every server word escaped', async ({ name, event, source }) => {
    const email = renderSourceHealth({ ...base, source: source ?? base.source, event });
    expect(email.html).not.toMatch(/<script|<b>|href="javascript:/i);
    expect(email.text).not.toMatch(/^Bcc:/m);
    await expect(emailContent(email.html)).toMatchFileSnapshot(`../../golden/${name}.html`);
  });
});
