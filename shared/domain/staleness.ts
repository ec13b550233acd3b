/**
 * @module Factsheet staleness (SPEC §3): the effective review time, the evidence (alerts on the
 * factsheet's current topics that came after it) and the stale flag. Pure.
 */
import type { FactsheetConfig } from '../config.ts';
import { parseInstant } from './time.ts';
import type { Alert, FactsheetReview } from './types.ts';

export interface ReviewState {
  /** Effective `reviewedAt` instant (ms since epoch). */
  effective: number;
  /** `reviewedAt` in the form it was given: the config date, or the review's instant. */
  display: string;
  /** When the last API review was recorded (ms), or null if none. */
  lastReviewMadeAt: number | null;
  lastReview: FactsheetReview | null;
}

/** The later of the config value (a date meaning the end of that day in `zone`) and the last API review. */
export function reviewState(
  sheet: FactsheetConfig,
  reviews: readonly FactsheetReview[],
  zone: string,
): ReviewState {
  const configured = parseInstant(sheet.reviewedAt, zone, { endOfDay: true });
  const configuredMs = configured ? configured.getTime() : Number.NEGATIVE_INFINITY;
  const last = reviews.length > 0 ? reviews[reviews.length - 1]! : null;
  const lastMs = last ? Date.parse(last.reviewedAt) : Number.NEGATIVE_INFINITY;
  const useReview = last !== null && lastMs >= configuredMs;
  return {
    effective: Math.max(configuredMs, lastMs),
    display: useReview ? last.reviewedAt : sheet.reviewedAt,
    lastReviewMadeAt: last ? Date.parse(last.at) : null,
    lastReview: last,
  };
}

/** Whether one alert is evidence that the factsheet needs revising. */
export function isEvidence(alert: Alert, sheet: FactsheetConfig, state: ReviewState): boolean {
  if (!alert.topics.some((topic) => sheet.topics.includes(topic))) return false;
  return inEvidenceWindow(alert, state);
}

/** The time rule alone: changed after the effective review, or detected after the last API review. */
export function inEvidenceWindow(alert: Alert, state: ReviewState): boolean {
  if (Date.parse(alert.changedAt) > state.effective) return true;
  return state.lastReviewMadeAt !== null && Date.parse(alert.detectedAt) > state.lastReviewMadeAt;
}

/** The earliest detection time an evidence alert can have (to bound store queries). */
export function evidenceDetectedFrom(state: ReviewState): number {
  // changedAt ≤ detectedAt always (clamped), so evidence was detected after one of the two bounds.
  return Math.min(state.effective, state.lastReviewMadeAt ?? Number.POSITIVE_INFINITY);
}

export interface Staleness {
  stale: boolean;
  staleSince: string | null;
  /** Newest first: `changedAt`, then `detectedAt`, descending. */
  evidence: Alert[];
}

export function staleness(alerts: readonly Alert[], sheet: FactsheetConfig, state: ReviewState): Staleness {
  const evidence = alerts
    .filter((alert) => isEvidence(alert, sheet, state))
    .sort(
      (a, b) =>
        b.changedAt.localeCompare(a.changedAt) ||
        b.detectedAt.localeCompare(a.detectedAt) ||
        b.id.localeCompare(a.id),
    );
  const earliest = evidence.reduce<string | null>(
    (min, alert) => (min === null || alert.changedAt < min ? alert.changedAt : min),
    null,
  );
  return { stale: evidence.length > 0, staleSince: earliest, evidence };
}
