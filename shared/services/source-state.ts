/**
 * @module The per-source poll state recorded after each poll (docs/contract.md §6 `/api/sources`): status,
 * HTTP status, failures in a row, last error and the validators of the first page.
 */
import type { SourceConfig } from '../config/schema.ts';
import type { SourceState } from '../domain/types.ts';

/** What a successful fetch leaves behind for the next conditional request. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
  bodyHash: string;
}

export function okState(
  source: SourceConfig,
  state: SourceState | null,
  at: string,
  status: 'changed' | 'unchanged' | 'not-modified',
  httpStatus: number,
  fetched: Validators | null,
  itemCount: number | null = state?.itemCount ?? null,
): SourceState {
  return {
    sourceId: source.id,
    url: source.url,
    lastPolledAt: at,
    lastStatus: status,
    httpStatus,
    consecutiveFailures: 0,
    lastError: null,
    etag: fetched ? fetched.etag : (state?.etag ?? null),
    lastModified: fetched ? fetched.lastModified : (state?.lastModified ?? null),
    bodyHash: fetched ? fetched.bodyHash : (state?.bodyHash ?? null),
    firstPolledAt: state?.firstPolledAt ?? at,
    itemCount,
    // Kept until the recovery is reported (services/source-escalation.ts).
    escalatedAt: state?.escalatedAt ?? null,
    failingSince: null,
  };
}

export function failedState(
  source: SourceConfig,
  state: SourceState | null,
  at: string,
  message: string,
  httpStatus: number | null,
): SourceState {
  return {
    sourceId: source.id,
    url: source.url,
    lastPolledAt: at,
    lastStatus: 'failed',
    httpStatus,
    consecutiveFailures: (state?.consecutiveFailures ?? 0) + 1,
    lastError: message,
    etag: state?.etag ?? null,
    lastModified: state?.lastModified ?? null,
    bodyHash: state?.bodyHash ?? null,
    firstPolledAt: state?.firstPolledAt ?? null,
    itemCount: state?.itemCount ?? null,
    escalatedAt: state?.escalatedAt ?? null,
    failingSince: state?.lastStatus === 'failed' ? (state.failingSince ?? at) : at,
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return storeErrorMessage(error) ?? (error.message || error.name);
  return String(error);
}

/**
 * An AWS SDK error from the store (it carries `$metadata`), said so: which store error, what it
 * said, and how many attempts the client made (throttling and 5xx are retried with backoff).
 */
function storeErrorMessage(error: Error): string | null {
  const metadata = (error as { $metadata?: { attempts?: unknown; httpStatusCode?: unknown } }).$metadata;
  if (metadata === undefined || typeof metadata !== 'object') return null;
  const attempts = typeof metadata.attempts === 'number' ? metadata.attempts : null;
  const status = typeof metadata.httpStatusCode === 'number' ? ` HTTP ${metadata.httpStatusCode},` : '';
  const tries = attempts === null ? '' : ` after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  return `store error (${error.name},${status}${tries}): ${error.message || 'no message'}`;
}

export function httpStatusOf(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'httpStatus' in error) {
    const status = (error as { httpStatus?: unknown }).httpStatus;
    return typeof status === 'number' ? status : null;
  }
  return null;
}
