/**
 * @module Factsheet staleness (docs/contract.md §3): the effective review time and the time rule
 * evidence must meet (domain/cited-evidence.ts decides which alerts count). Pure.
 */
import type { FactsheetConfig } from '../config/schema.ts';
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
