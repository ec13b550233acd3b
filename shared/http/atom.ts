/**
 * @module Atom 1.0 rendering of a topic's alerts (RFC 4287). Every text that came from a fetched
 * document is XML-escaped and stripped of characters XML 1.0 cannot carry.
 */
import type { Alert } from '../domain/types.ts';
import { isHttpUrl } from '../domain/urls.ts';

// XML 1.0 forbids most C0 controls even as character references, and lone surrogates.
const INVALID_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface AtomFeed {
  topic: { id: string; title: string };
  organisation: string;
  /** Absolute URL of this feed (rel="self"). */
  selfUrl: string;
  /** Absolute URL people open for the topic (rel="alternate"). */
  alternateUrl: string;
  alerts: readonly Alert[];
  /** Used for `<updated>` when there are no alerts. */
  now: Date;
  /** The alert's own API URL: the alternate link of an entry whose `url` is not http(s). */
  alertUrl: (id: string) => string;
}

function entry(alert: Alert, alertUrl: AtomFeed['alertUrl']): string {
  const summary = [alert.whatChanged, alert.summary].filter((part) => part.trim() !== '').join('\n\n');
  // RFC 4287 §4.1.1: an entry without content needs an alternate link, so one that came without
  // a usable web address points at its API document instead of dropping the link.
  const link = isHttpUrl(alert.url)
    ? `\n    <link rel="alternate" type="text/html" href="${xmlEscape(alert.url)}"/>`
    : `\n    <link rel="alternate" type="application/json" href="${xmlEscape(alertUrl(alert.id))}"/>`;
  const published = alert.publishedAt ? `\n    <published>${xmlEscape(alert.publishedAt)}</published>` : '';
  const categories = alert.topics.map((topic) => `\n    <category term="${xmlEscape(topic)}"/>`).join('');
  return `  <entry>
    <id>urn:policy-watch:alert:${xmlEscape(alert.id)}</id>
    <title type="text">${xmlEscape(alert.title || '(untitled)')}</title>${link}
    <updated>${xmlEscape(alert.changedAt)}</updated>${published}
    <author><name>${xmlEscape(alert.source.title)}</name></author>${categories}
    <summary type="text">${xmlEscape(summary)}</summary>
  </entry>`;
}

export function renderAtom(feed: AtomFeed): string {
  // ISO instants in UTC sort as strings.
  const updated =
    feed.alerts
      .map((alert) => alert.changedAt)
      .sort()
      .at(-1) ?? feed.now.toISOString();
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:policy-watch:topic:${xmlEscape(feed.topic.id)}</id>
  <title type="text">${xmlEscape(`${feed.topic.title}: policy alerts`)}</title>
  <subtitle type="text">${xmlEscape(`Changes matching "${feed.topic.title}", from ${feed.organisation}`)}</subtitle>
  <link rel="self" type="application/atom+xml" href="${xmlEscape(feed.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${xmlEscape(feed.alternateUrl)}"/>
  <updated>${xmlEscape(updated)}</updated>
  <author><name>${xmlEscape(feed.organisation)}</name></author>
  <generator>policy-watch</generator>
${feed.alerts.map((alert) => entry(alert, feed.alertUrl)).join('\n')}
</feed>
`;
}
