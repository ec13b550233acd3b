/**
 * @module One poll cycle (SPEC §3, §4): fetch due sources, parse, diff against stored versions,
 * match topics and record alerts. Signatures first; the body lands with the polling issue.
 */
import type { PollStatus } from '../domain/types.ts';
import type { ServiceDeps } from './deps.ts';

export interface SourcePollResult {
  id: string;
  status: PollStatus;
  httpStatus: number | null;
  items: number;
  newItems: number;
  updatedItems: number;
  alerts: number;
  error?: string;
}

/** Exactly the `poll --json` document of SPEC §4. */
export interface PollReport {
  sources: SourcePollResult[];
  alerts: string[];
  durationMs: number;
}

export interface PollOptions {
  /** Poll only these ids (unknown ids are the caller's error to report). */
  sourceIds?: readonly string[];
  /** Poll only sources whose `lastPolledAt + every` has passed (the scheduler's tick). */
  dueOnly?: boolean;
  onSourceStart?: (sourceId: string) => void;
  onSourceDone?: (result: SourcePollResult) => void;
}

export async function runPollCycle(_deps: ServiceDeps, _options: PollOptions = {}): Promise<PollReport> {
  throw new Error('poll cycle not implemented yet');
}

/** Polls one source (the fan-out worker's unit of work). */
export async function pollSource(
  _deps: ServiceDeps,
  _sourceId: string,
): Promise<{ result: SourcePollResult; alertIds: string[] }> {
  throw new Error('poll cycle not implemented yet');
}
