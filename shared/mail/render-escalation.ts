/**
 * @module The staff emails about a source's health: it has failed N polls in a row, and later
 * that it works again. Pure. The error text comes from a fetch (a server's words): kept to one
 * line here, escaped by escalation-html.tsx.
 */
import { sourceHealthHtml } from './escalation-html.tsx';
import { oneLine, shorten } from './escape.ts';
import { formatWhen } from './layout.ts';
import type { RenderedEmail } from './render-digest.ts';

export interface SourceHealthRenderInput {
  organisation: { name: string };
  timezone: string;
  source: { id: string; title: string; url: string };
  /** Where staff see source health (the dashboard). */
  dashboardUrl: string;
  event:
    | { kind: 'failing'; failures: number; since: string; lastError: string | null }
    | { kind: 'recovered'; at: string; failedSince: string | null };
}

export function renderSourceHealth(input: SourceHealthRenderInput): RenderedEmail {
  const org = oneLine(input.organisation.name);
  const title = oneLine(input.source.title);
  const { event } = input;
  const subject =
    event.kind === 'failing'
      ? `[${org}] Source failing: ${shorten(title, 100)}`
      : `[${org}] Source working again: ${shorten(title, 100)}`;
  const lines =
    event.kind === 'failing'
      ? [
          `The source "${title}" (${input.source.id}) has failed ${event.failures} polls in a row, since ${formatWhen(event.since, input.timezone)}. No alerts come from it until it works again.`,
          `Last error: ${shorten(oneLine(event.lastError ?? 'unknown'), 500)}`,
          'You will get one more email when it works again.',
        ]
      : [
          `The source "${title}" (${input.source.id}) works again (${formatWhen(event.at, input.timezone)})${event.failedSince ? `; it had been failing since ${formatWhen(event.failedSince, input.timezone)}` : ''}.`,
        ];
  const text = [
    subject,
    '',
    ...lines.flatMap((line) => [line, '']),
    `Source: ${input.source.url}`,
    `Dashboard: ${input.dashboardUrl}`,
    '',
  ].join('\n');
  const html = sourceHealthHtml({
    subject,
    heading: subject.slice(org.length + 3),
    lines,
    sourceUrl: input.source.url,
    dashboardUrl: input.dashboardUrl,
  });
  return { subject, text, html };
}
