/**
 * @module Web addresses from untrusted text (feed items, requests, config): only absolute
 * http(s) URLs are links; `javascript:`, `data:`, `mailto:` and relative text are not.
 */

/** `value` parsed, when it is an absolute http(s) URL; else null. */
export function parseHttpUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

/** True when `value` is an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  return parseHttpUrl(value) !== null;
}
