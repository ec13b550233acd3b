/**
 * @module Staff authentication (docs/contract.md §6): `Authorization: Bearer <key>` or HTTP Basic with the key
 * as password, compared in constant time against every configured key. Web Crypto only, so the
 * same code runs under Node and Lambda.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { apiError } from './errors.ts';

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * Compares SHA-256 digests byte by byte without early exit: equal-length inputs hide where a
 * guess differs, and hashing first hides the key's length.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A header value as sent. Node hands header bytes over one character per byte (latin1), so a
 * key with non-ASCII characters sent as UTF-8 arrives as mojibake: read those bytes as UTF-8
 * when they are valid UTF-8. A value already decoded (Lambda) or not UTF-8 is kept as is.
 */
function utf8FromWire(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[\u0100-\u{10ffff}]/u.test(value)) return value;
  return decodeUtf8(Uint8Array.from(value, (ch) => ch.charCodeAt(0))) ?? value;
}

/** The key a request presents (Bearer token, or the password of Basic credentials), if any. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^\s*(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return utf8FromWire(value);
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
  // RFC 7617: UTF-8 (what browsers send today); an old client's ISO-8859-1 still reads as meant.
  const decoded = decodeUtf8(bytes) ?? String.fromCharCode(...bytes.subarray(0, 4096));
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}

/** Checks against every key, always all of them, so timing does not tell which one matched. */
export async function isStaffKey(key: string | null, keys: readonly string[]): Promise<boolean> {
  if (key === null || key === '') return false;
  let ok = false;
  for (const candidate of keys) {
    if (candidate === '') continue;
    if (await constantTimeEqual(key, candidate)) ok = true;
  }
  return ok;
}

export type StaffVariables = { staffKey: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser remembers Basic credentials and sends them with any request to this origin, so a
 * page elsewhere could POST a bare `/api/factsheets/{id}/review` with them (no preflight: no body,
 * no custom header). Fetch Metadata names such requests; a cross-site caller can never set
 * `Authorization` itself without a CORS preflight the staff API refuses, so nothing legitimate is
 * lost. Scripts send no `Sec-Fetch-Site` and are unaffected.
 */
export function isCrossSiteWrite(method: string, secFetchSite: string | undefined): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const site = secFetchSite?.trim().toLowerCase();
  return site === 'cross-site' || site === 'same-site';
}

/**
 * A write made with HTTP Basic credentials that a browser could have attached by itself: no
 * `Sec-Fetch-Site` saying same-origin (an older browser sends none) and not JSON (a cross-site
 * page cannot send `Content-Type: application/json` without a preflight the API refuses). A
 * body-less POST from a form or `fetch(…, {mode: 'no-cors'})` is exactly this. Bearer keys are
 * never attached by browsers, and page forms carry CSRF tokens, so neither is affected.
 */
export function isAmbientCredentialWrite(
  method: string,
  authorization: string | undefined,
  secFetchSite: string | undefined,
  contentType: string | undefined,
): boolean {
  // Only POST can be sent cross-site without a preflight (DELETE, PUT, PATCH always preflight).
  if (method.toUpperCase() !== 'POST') return false;
  if (!/^\s*basic\s/i.test(authorization ?? '')) return false;
  const site = secFetchSite?.trim().toLowerCase();
  if (site === 'same-origin' || site === 'none') return false;
  return !/^\s*application\/json\s*(;|$)/i.test(contentType ?? '');
}

/** API guard: 401 JSON with `WWW-Authenticate: Bearer`. */
export function staffApi(keys: readonly string[]): MiddlewareHandler<{ Variables: StaffVariables }> {
  return async (c, next) => {
    const key = presentedKey(c.req.header('authorization'));
    if (isCrossSiteWrite(c.req.method, c.req.header('sec-fetch-site'))) {
      c.header('WWW-Authenticate', 'Bearer');
      return apiError(c, 'unauthorized', 'staff changes cannot be made from another site');
    }
    const authorization = c.req.header('authorization');
    if (
      isAmbientCredentialWrite(
        c.req.method,
        authorization,
        c.req.header('sec-fetch-site'),
        c.req.header('content-type'),
      )
    ) {
      c.header('WWW-Authenticate', 'Bearer');
      return apiError(
        c,
        'unauthorized',
        'a staff change with Basic credentials must be sent as JSON (Content-Type: application/json), or use Authorization: Bearer <key>',
      );
    }
    if (!(await isStaffKey(key, keys))) {
      c.header('WWW-Authenticate', 'Bearer');
      return apiError(c, 'unauthorized', 'a staff API key is required (Authorization: Bearer <key>)');
    }
    c.set('staffKey', key!);
    await next();
    // Subscriber addresses and review state are private: no browser or proxy keeps a copy.
    c.res.headers.set('Cache-Control', 'no-store');
  };
}

/** Page guard: 401 with a Basic challenge so browsers ask for the key (as the password). */
export function staffPages(
  keys: readonly string[],
  render401: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler<{ Variables: StaffVariables }> {
  return async (c, next) => {
    const key = presentedKey(c.req.header('authorization'));
    if (!(await isStaffKey(key, keys))) {
      c.header('WWW-Authenticate', 'Basic realm="policy-watch staff"');
      return render401(c);
    }
    c.set('staffKey', key!);
    await next();
  };
}
