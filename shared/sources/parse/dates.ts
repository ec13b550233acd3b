/**
 * @module Dates as sources write them (ISO 8601 with or without offset, RFC 822 `pubDate`) to
 * ISO instants in UTC with milliseconds; offset-less values are read in the configured zone.
 */
import { parseInstant } from '../../domain/time.ts';

const ISO_START = /^\d{4}-\d{2}-\d{2}(T|$)/;

/** Null when missing or unreadable: a bad date never fails a source. */
export function toInstant(text: string | null | undefined, timezone: string): string | null {
  const value = text?.trim();
  if (!value) return null;
  if (ISO_START.test(value)) {
    // legislation.gov.uk writes microseconds; parseInstant wants at most nine digits and an optional offset.
    const parsed = parseInstant(value, timezone);
    if (parsed) return parsed.toISOString();
  }
  const fallback = Date.parse(value);
  return Number.isNaN(fallback) ? null : new Date(fallback).toISOString();
}
