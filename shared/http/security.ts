/**
 * @module Response headers every route gets: a tight CSP (pages load only our stylesheet; the API
 * loads nothing), no sniffing, no framing, no referrer (page URLs carry email tokens).
 */
import type { MiddlewareHandler } from 'hono';

/** The Swagger UI bundle on /docs is progressive enhancement from this CDN. */
export const SWAGGER_CDN = 'https://cdn.jsdelivr.net';

const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_CSP = [
  "default-src 'none'",
  `script-src 'self' ${SWAGGER_CDN}`,
  `style-src 'self' ${SWAGGER_CDN}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const path = c.req.path;
    const type = c.res.headers.get('content-type') ?? '';
    const csp = path === '/docs' ? DOCS_CSP : type.startsWith('text/html') ? PAGE_CSP : API_CSP;
    c.res.headers.set('Content-Security-Policy', csp);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    c.res.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (type.startsWith('text/html') && !c.res.headers.has('Cache-Control')) {
      c.res.headers.set('Cache-Control', 'no-store');
    }
  };
}
