/**
 * @module The OpenAPIHono every sub-app is made from (same validation hook everywhere) and the
 * response fragments the routes share.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { StaffVariables } from './auth.ts';
import { validationHook } from './errors.ts';
import { ErrorSchema } from './schemas.ts';

export type AppEnv = { Variables: Partial<StaffVariables> & { csp?: string } };

export function newApi(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ErrorSchema } } };
}

export const errors = {
  400: errorResponse('Invalid request: `details` name each bad field'),
  401: errorResponse('Missing or wrong staff key'),
  404: errorResponse('Not found'),
  409: errorResponse('Conflict with the current state'),
  429: errorResponse('Too many requests; see `Retry-After`'),
  500: errorResponse('Internal error'),
  503: errorResponse('The store is unreachable'),
} as const;

/** Listings answer `If-None-Match` with their current ETag by a 304 (listing-cache.ts). */
export const notModified = {
  description: 'Not modified: `If-None-Match` holds the current `ETag` (every 200 carries one)',
} as const;

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** Security requirement of staff routes (scheme registered in docs.ts). */
export const staffSecurity = [{ staffKey: [] }];
