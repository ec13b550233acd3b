/**
 * @module Staff authentication (SPEC §6): `Authorization: Bearer <key>` or HTTP Basic with the key
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

/** The key a request presents (Bearer token, or the password of Basic credentials), if any. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^\s*(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return value;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0)),
    );
  } catch {
    return null;
  }
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

/** API guard: 401 JSON with `WWW-Authenticate: Bearer`. */
export function staffApi(keys: readonly string[]): MiddlewareHandler<{ Variables: StaffVariables }> {
  return async (c, next) => {
    const key = presentedKey(c.req.header('authorization'));
    if (isCrossSiteWrite(c.req.method, c.req.header('sec-fetch-site'))) {
      c.header('WWW-Authenticate', 'Bearer');
      return apiError(c, 'unauthorized', 'staff changes cannot be made from another site');
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
