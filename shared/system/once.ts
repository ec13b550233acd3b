/**
 * @module Set-up that happens once, on first use, and is shared by every caller (a lazily loaded
 * client, the Lambda's dependencies). A failed set-up is forgotten, so the next call tries again
 * instead of repeating the failure for the life of the process.
 */

/** `start`, run on the first call (with that call's arguments) and its promise shared after. */
export function onceUntilFailure<A extends unknown[], T>(
  start: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let ready: Promise<T> | null = null;
  return (...args) => {
    ready ??= start(...args).catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
}
