/**
 * @module Digests (SPEC §4, §7): for each confirmed subscriber of a frequency, every alert on
 * their topics detected since confirmation and not yet sent, in one email; idempotent sending.
 */
import type { Frequency } from '../domain/types.ts';
import type { ServiceDeps } from './deps.ts';

/** Exactly the `digest --json` document of SPEC §4. */
export interface DigestReport {
  sent: { email: string; messageId: string | null; alerts: number }[];
  failed: { email: string; error: string }[];
  skipped: number;
}

export interface DigestOptions {
  frequency: Frequency;
  dryRun?: boolean;
}

export async function runDigest(_deps: ServiceDeps, _options: DigestOptions): Promise<DigestReport> {
  throw new Error('digest not implemented yet');
}
