/**
 * @module Reading HTML form bodies (`c.req.parseBody({ all: true })`): a field may be absent, one
 * value or several, and a value may be a file. Shared by the subscriber and staff pages.
 */
import type { Frequency } from '../domain/types.ts';
import { isFrequency } from '../domain/vocabulary.ts';

export type Form = Record<string, string | File | (string | File)[]>;

/** Every string value of a field, in order (files dropped). */
export function strings(value: Form[string] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** The field's first string when it names a frequency, else null. */
export function frequencyOf(value: Form[string] | undefined): Frequency | null {
  const [first] = strings(value);
  return isFrequency(first) ? first : null;
}
