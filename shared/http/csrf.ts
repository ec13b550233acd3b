/**
 * @module CSRF tokens for page forms: `<issued ms>.<HMAC(signingSecret, subject, purpose, issued)>`,
 * where the subject ties the token to who is acting (a digest of the staff key, or a constant for
 * public forms). Stateless, so it works on Lambda without a session store.
 */
const encoder = new TextEncoder();
/** Long enough to fill in a form after lunch, short enough that a leaked token soon dies. */
export const CSRF_MAX_AGE_MS = 8 * 60 * 60 * 1000;

function toBase64Url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function mac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return toBase64Url(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
}

export interface CsrfScope {
  secret: string;
  /** Who the form belongs to, e.g. `staff:<key>`; hashed into the MAC, never output. */
  subject: string;
  /** What the form does, e.g. `review:lsp`, so a token for one form cannot post another. */
  purpose: string;
}

function message(scope: CsrfScope, issued: number): string {
  return `csrf\n${scope.subject}\n${scope.purpose}\n${issued}`;
}

export async function issueCsrf(scope: CsrfScope, now: Date): Promise<string> {
  const issued = now.getTime();
  return `${issued}.${await mac(`csrf:${scope.secret}`, message(scope, issued))}`;
}

export async function verifyCsrf(scope: CsrfScope, token: unknown, now: Date): Promise<boolean> {
  if (typeof token !== 'string') return false;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const issued = Number(match[1]);
  const age = now.getTime() - issued;
  // A little slack for clock skew between Lambda instances.
  if (age > CSRF_MAX_AGE_MS || age < -60_000) return false;
  const expected = await mac(`csrf:${scope.secret}`, message(scope, issued));
  let diff = expected.length ^ match[2]!.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ match[2]!.charCodeAt(i);
  return diff === 0;
}
