/**
 * @module The API's error documents (docs/contract.md §6): `{"error":{"code","message","details"?}}` with one
 * code per status, and the zod-openapi hook that turns validation failures into 400s.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod';
import { formatPath } from '../config/schema.ts';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal';

/** Path ids (alerts, topics) longer than this cannot exist: 404 without a store lookup. */
export const MAX_ID_LENGTH = 200;
/** Longest address a `DELETE /api/subscribers/{email}` looks up (RFC 5321 path limit, padded). */
export const MAX_EMAIL_LENGTH = 320;

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

const STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;
type StatusOf = typeof STATUS;

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

/** A JSON error response with the status that belongs to `code`. */
export function apiError<C extends ErrorCode>(c: Context, code: C, message: string, details?: ErrorDetail[]) {
  return c.json(errorBody(code, message, details), STATUS[code] as StatusOf[C]);
}

export function invalid(c: Context, details: ErrorDetail[]) {
  const message = details.map((detail) => `${detail.path || '(body)'}: ${detail.message}`).join('; ');
  return apiError(c, 'invalid_request', message || 'invalid request', details);
}

/** Validation failures → 400 with one detail per zod issue, paths in the contract's `a[0].b` form. */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

type HookResult = { success: true } | { success: false; error: z.ZodError };

/** The `defaultHook` every OpenAPIHono of the app gets. */
export function validationHook(result: HookResult, c: Context) {
  if (result.success) return undefined;
  return invalid(c, zodDetails(result.error));
}
