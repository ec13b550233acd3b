/**
 * @module Making fetched text safe for email: http(s)-only links, and single-line values with no
 * control characters (a CR/LF in a feed title must never reach a header or split a line of the
 * plain-text body). HTML escaping is hono/jsx's (html-layout.tsx): nothing here builds markup.
 */
import { collapse } from '../domain/text.ts';
import { parseHttpUrl } from '../domain/urls.ts';

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides that
// can make a line read differently from what it contains.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** One line of plain text: controls (CR, LF, tab…) become a space, runs of spaces collapse. */
export function oneLine(text: string): string {
  return collapse(text.replace(CONTROLS, ' '));
}

/** The URL when it is absolute http(s) (normalised), else null: never `javascript:` or `data:`. */
export function safeHttpUrl(value: string): string | null {
  const url = parseHttpUrl(value.trim());
  return url && !url.username && !url.password ? url.href : null;
}

/** Shortens to at most `max` characters, ending with `…` when cut (never splitting a surrogate pair). */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
