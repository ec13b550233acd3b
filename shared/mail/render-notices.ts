/**
 * @module The one-off emails: the double opt-in confirmation and the notice a person gets when
 * staff subscribe them: subject, plain text, and the HTML of notices-html.tsx. Pure; the only
 * values from outside are the address and config titles.
 */
import { formatInZone } from '../domain/time.ts';
import type { Frequency } from '../domain/types.ts';
import { oneLine } from './escape.ts';
import { FREQUENCY_LABEL, footerText } from './layout.ts';
import { confirmationHtml, staffNoticeHtml } from './notices-html.tsx';
import type { RenderedEmail } from './render-digest.ts';

export interface ConfirmationRenderInput {
  organisation: { name: string; contact: string };
  timezone: string;
  email: string;
  /** Titles of the requested topics, config order. */
  topicTitles: string[];
  frequency: Frequency;
  confirmUrl: string;
  expiresAt: Date;
  /** The address already receives alerts: confirming replaces the current choice. */
  replacesExisting: boolean;
}

export function renderConfirmation(input: ConfirmationRenderInput): RenderedEmail {
  const org = oneLine(input.organisation.name);
  const subject = input.replacesExisting
    ? `[${org}] Confirm the change to your policy alerts`
    : `[${org}] Confirm your subscription to policy alerts`;
  const choice = `${input.topicTitles.map(oneLine).join(', ')} (${FREQUENCY_LABEL[input.frequency]})`;
  const lead = input.replacesExisting
    ? `Someone, hopefully you, asked to change the policy alerts ${input.email} gets from ${org} to: ${choice}. Confirming replaces your current choice.`
    : `Someone, hopefully you, asked for ${input.email} to get policy alerts from ${org} about: ${choice}.`;
  const until = formatInZone(input.expiresAt, input.timezone);
  const ignore = input.replacesExisting
    ? 'If you did not ask for this, ignore this email: nothing changes.'
    : 'If you did not ask for this, ignore this email: you will not get anything else from us.';
  const text = [
    subject,
    '',
    lead,
    '',
    `To confirm, open this link and press the button (it works until ${until}):`,
    input.confirmUrl,
    '',
    ignore,
    '',
    '-- ',
    `${org}. Questions: ${oneLine(input.organisation.contact)}`,
    '',
  ].join('\n');
  const html = confirmationHtml({
    subject,
    organisation: input.organisation,
    lead,
    button: input.replacesExisting ? 'Confirm the change' : 'Confirm subscription',
    confirmUrl: input.confirmUrl,
    until,
    ignore,
  });
  return { subject, text, html };
}

export interface StaffNoticeRenderInput {
  organisation: { name: string; contact: string };
  email: string;
  topicTitles: string[];
  frequency: Frequency;
  links: { manage: string; unsubscribe: string };
}

export function renderStaffNotice(input: StaffNoticeRenderInput): RenderedEmail {
  const org = oneLine(input.organisation.name);
  const subject = `[${org}] You have been subscribed to policy alerts`;
  const lead = `${org} has subscribed ${input.email} to policy alerts about: ${input.topicTitles.map(oneLine).join(', ')} (${FREQUENCY_LABEL[input.frequency]}).`;
  const next = 'You can change the topics or how often you hear from us, or unsubscribe, at any time:';
  const footer = {
    organisation: input.organisation.name,
    contact: input.organisation.contact,
    topicTitles: input.topicTitles,
    frequency: input.frequency,
    manageUrl: input.links.manage,
    unsubscribeUrl: input.links.unsubscribe,
  };
  const text = [subject, '', lead, '', next, '', footerText(footer)].join('\n');
  const html = staffNoticeHtml({ subject, lead, next, footer });
  return { subject, text, html };
}
