/**
 * @module Shared words of every email: frequency labels, dates in the digest time zone, why the
 * person gets the email, and the plain-text footer. The HTML shell and footer are
 * html-layout.tsx.
 */
import type { Frequency } from '../domain/types.ts';
import { oneLine } from './escape.ts';

export const FREQUENCY_LABEL: Record<Frequency, string> = {
  immediate: 'immediate alerts',
  daily: 'daily digest',
  weekly: 'weekly digest',
};

export interface FooterInput {
  organisation: string;
  contact: string;
  /** Titles of the topics the person follows, config order. */
  topicTitles: string[];
  frequency: Frequency;
  manageUrl: string;
  unsubscribeUrl: string;
}

/** Why the person gets the email, one line. */
// "You subscribed" would be untrue for people staff subscribed (docs/contract.md §6 POST /api/subscribers).
export function footerReason(input: FooterInput): string {
  const topics = input.topicTitles.map(oneLine).join(', ');
  return `You get this email because you are subscribed to policy alerts from ${oneLine(input.organisation)} on: ${topics} (${FREQUENCY_LABEL[input.frequency]}).`;
}

/** An instant in `zone` with the zone's abbreviation (`14 Oct 2026, 11:12 BST`), so no one guesses. */
// Building an Intl.DateTimeFormat costs far more than using one, and using one is still the
// largest part of rendering a digest: a run shows the same few alert dates to every subscriber,
// in both bodies. One format per zone and the instants already written, kept (bounded).
const formats = new Map<string, Intl.DateTimeFormat>();
const written = new Map<string, string>();
const MAX_WRITTEN = 10_000;

export function formatWhen(instant: string | Date, zone: string): string {
  const key = `${zone} ${typeof instant === 'string' ? instant : instant.toISOString()}`;
  const known = written.get(key);
  if (known !== undefined) return known;
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(zone, format);
  }
  const text = format.format(new Date(instant));
  if (written.size >= MAX_WRITTEN) written.clear();
  written.set(key, text);
  return text;
}

export function footerText(input: FooterInput): string {
  return [
    '-- ',
    footerReason(input),
    `Change topics or frequency: ${input.manageUrl}`,
    `Unsubscribe: ${input.unsubscribeUrl}`,
    `Questions: ${oneLine(input.contact)}`,
    '',
  ].join('\n');
}
