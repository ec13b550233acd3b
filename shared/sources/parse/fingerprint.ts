/**
 * @module Feed entry fingerprints: a hash of an entry as parsed (every element and attribute), the
 * document's URL and the time zone, which is everything its conversion to an item depends on.
 * A poll stores each entry's fingerprint with its version and, next time, converts only the
 * entries whose fingerprint changed (docs/architecture.md §1). Fingerprints carry the conversion
 * they were taken under, so a release that converts differently re-converts every entry once and
 * stores the new fingerprints, instead of matching stale ones or re-converting forever.
 */
import { createHash } from 'node:crypto';

/**
 * Bump whenever the feed reader (`parse/feed.ts`) would convert the same entry differently; the
 * versions of re-converted entries then decide, as always, whether anything changed.
 */
const CONVERSION = 1;
const PREFIX = `c${CONVERSION}.`;

/** `c<conversion>.` and 22 base64url characters (132 bits) of sha256. */
export function entryFingerprint(entry: unknown, documentUrl: string, timezone: string): string {
  const hash = createHash('sha256')
    .update(`${timezone}\u0000${documentUrl}\u0000`)
    .update(JSON.stringify(entry))
    .digest('base64url');
  return PREFIX + hash.slice(0, 22);
}

/** Whether a stored fingerprint was taken under this release's conversion (absent: never taken). */
export function isCurrentFingerprint(fingerprint: string | undefined): boolean {
  return fingerprint?.startsWith(PREFIX) === true;
}
