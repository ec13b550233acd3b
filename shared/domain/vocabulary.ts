/**
 * @module The closed vocabularies, each spelled once: types (shared/domain/types.ts), zod enums
 * (HTTP and store schemas), pages, schedules and help text derive from these tuples.
 */

/** How often a subscriber hears about new alerts (docs/contract.md §4). */
export const FREQUENCIES = ['immediate', 'daily', 'weekly'] as const;
/** The frequencies a scheduled digest run serves (`immediate` runs after each poll instead). */
export const SCHEDULED_FREQUENCIES = [
  'daily',
  'weekly',
] as const satisfies readonly (typeof FREQUENCIES)[number][];
export const ALERT_KINDS = ['new', 'updated', 'page-changed'] as const;
export const POLL_STATUSES = ['changed', 'unchanged', 'not-modified', 'failed'] as const;
export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'] as const;
export const SOURCE_KINDS = ['feed', 'govuk-search', 'page'] as const;

/** True when `value` is one of the frequencies (form fields, token payloads, events). */
export function isFrequency(value: unknown): value is (typeof FREQUENCIES)[number] {
  return (FREQUENCIES as readonly unknown[]).includes(value);
}
