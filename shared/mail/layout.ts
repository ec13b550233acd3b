/**
 * @module Shared pieces of every email: the HTML document shell (simple, table-free, inline
 * styles so it reads the same in webmail and desktop clients) and the footer with manage and
 * unsubscribe links.
 */
import type { Frequency } from '../domain/types.ts';
import { escapeHtml, oneLine, safeHttpUrl } from './escape.ts';

export const FREQUENCY_LABEL: Record<Frequency, string> = {
  immediate: 'immediate alerts',
  daily: 'daily digest',
  weekly: 'weekly digest',
};

const BODY_STYLE =
  'margin:0;padding:16px;background:#ffffff;color:#1b1b1b;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5';
export const STYLE = {
  h1: 'font-size:20px;margin:0 0 16px',
  h2: 'font-size:18px;margin:24px 0 8px;padding-top:8px;border-top:2px solid #1d70b8',
  h3: 'font-size:16px;margin:16px 0 4px',
  p: 'margin:0 0 8px',
  list: 'margin:0 0 8px;padding-left:24px',
  meta: 'margin:0 0 4px;color:#505a5f;font-size:14px',
  link: 'color:#1d70b8',
  diff: 'margin:4px 0 8px;padding:8px;background:#f3f2f1;font-size:14px;word-break:break-word',
  diffLabel: 'margin:0;font-weight:bold;font-size:13px;color:#505a5f',
  diffAdded: 'margin:0 0 2px;padding-left:8px;border-left:3px solid #00703c',
  diffRemoved: 'margin:0 0 2px;padding-left:8px;border-left:3px solid #d4351c;color:#505a5f',
  footer: 'margin-top:32px;padding-top:8px;border-top:1px solid #b1b4b6;color:#505a5f;font-size:13px',
  button:
    'display:inline-block;padding:10px 16px;background:#00703c;color:#ffffff;text-decoration:none;font-weight:bold',
} as const;

export function htmlDocument(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(oneLine(title))}</title>`,
    '</head>',
    `<body style="${BODY_STYLE}">`,
    '<div style="max-width:640px;margin:0 auto">',
    body,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** An anchor when the URL is http(s); otherwise just the escaped text, never a live link. */
export function htmlLink(url: string, text: string): string {
  const safe = safeHttpUrl(url);
  const label = escapeHtml(oneLine(text));
  return safe ? `<a href="${escapeHtml(safe)}" style="${STYLE.link}">${label}</a>` : label;
}

export interface FooterInput {
  organisation: string;
  contact: string;
  /** Titles of the topics the person follows, config order. */
  topicTitles: string[];
  frequency: Frequency;
  manageUrl: string;
  unsubscribeUrl: string;
}

// "You subscribed" would be untrue for people staff subscribed (docs/contract.md §6 POST /api/subscribers).
function why(input: FooterInput): string {
  const topics = input.topicTitles.map(oneLine).join(', ');
  return `You get this email because you are subscribed to policy alerts from ${oneLine(input.organisation)} on: ${topics} (${FREQUENCY_LABEL[input.frequency]}).`;
}

/** An instant in `zone` with the zone's abbreviation (`14 Oct 2026, 11:12 BST`), so no one guesses. */
// Building an Intl.DateTimeFormat costs far more than using one (a digest run formats thousands
// of dates): one per zone, kept.
const formats = new Map<string, Intl.DateTimeFormat>();

export function formatWhen(instant: string | Date, zone: string): string {
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
  return format.format(new Date(instant));
}

function contactHtml(contact: string): string {
  const address = oneLine(contact);
  // Only a plain address becomes a mailto: link; anything else stays text.
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(address)
    ? `<a href="mailto:${escapeHtml(address)}" style="${STYLE.link}">${escapeHtml(address)}</a>`
    : escapeHtml(address);
}

export function footerText(input: FooterInput): string {
  return [
    '-- ',
    why(input),
    `Change topics or frequency: ${input.manageUrl}`,
    `Unsubscribe: ${input.unsubscribeUrl}`,
    `Questions: ${oneLine(input.contact)}`,
    '',
  ].join('\n');
}

export function footerHtml(input: FooterInput): string {
  return [
    `<div style="${STYLE.footer}">`,
    `<p style="${STYLE.p}">${escapeHtml(why(input))}</p>`,
    `<p style="${STYLE.p}">${htmlLink(input.manageUrl, 'Change topics or frequency')} · ${htmlLink(input.unsubscribeUrl, 'Unsubscribe')}</p>`,
    `<p style="${STYLE.p}">Questions: ${contactHtml(input.contact)}</p>`,
    '</div>',
  ].join('\n');
}
