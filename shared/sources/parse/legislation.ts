/**
 * @module legislation.gov.uk identifiers (docs/sources.md §1.2): the same Act appears as
 * `http://www.legislation.gov.uk/id/ukpga/2011/20`, `https://www.legislation.gov.uk/ukpga/2011/20/section/5`
 * and (older feeds) `http://legislation.data.gov.uk/ukpga/2011/20/...`; all mean `ukpga/2011/20`.
 */

export interface LegislationId {
  /** `TYPE/YEAR/NUMBER`, e.g. `ukpga/2011/20` or `ukpga/Eliz2/6-7/51`. */
  id: string;
  type: string;
  /** A calendar year, or a regnal year such as `Eliz2/6-7` (Acts before 1963). */
  year: string;
  number: string;
  /** What follows the number: `/section/5`, `/made`, `/contents`… (empty for the item itself). */
  rest: string;
}

const HOSTS = new Set(['www.legislation.gov.uk', 'legislation.gov.uk', 'legislation.data.gov.uk']);
const TYPE = '[a-z]{2,8}';
const YEAR = '(?:\\d{4}|[A-Z][A-Za-z]*\\d?/\\d+(?:-\\d+)?)';
const NUMBER = '\\d+[A-Za-z]?';
const PATH = new RegExp(`^/(?:id/)?(${TYPE})/(${YEAR})/(${NUMBER})(/.*)?$`);

/** `uri` parsed, when it is a URL on one of legislation.gov.uk's hosts; else null. */
function legislationUrl(uri: string): URL | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  return HOSTS.has(url.hostname.toLowerCase()) ? url : null;
}

/** The legislation a legislation.gov.uk URI is about, or null for any other URI. */
export function legislationIdFromUri(uri: string): LegislationId | null {
  const url = legislationUrl(uri);
  if (!url) return null;
  const match = PATH.exec(decodeURIComponent(url.pathname));
  if (!match) return null;
  const [, type = '', year = '', number = '', rest = ''] = match;
  return { id: `${type}/${year}/${number}`, type, year, number, rest: rest.replace(/\/$/, '') };
}

/** The page a person reads for a provision URI: `/id/` dropped, https, the www host. */
export function provisionPageUrl(sectionUri: string): string | null {
  const url = legislationUrl(sectionUri);
  if (!url) return null;
  const path = url.pathname.replace(/^\/id\//, '/');
  return `https://www.legislation.gov.uk${path}`;
}

/** `ukpga/2011/20` → `https://www.legislation.gov.uk/ukpga/2011/20`. */
export function legislationPageUrl(id: string): string {
  return `https://www.legislation.gov.uk/${id}`;
}
