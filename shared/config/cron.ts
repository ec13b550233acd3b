/**
 * @module Cron expressions as the configuration file accepts them: the classic five fields
 * (minute hour day-of-month month day-of-week), checked by node-cron's own validator so that
 * what the file accepts is what the local scheduler runs.
 */
// The named import, not the default object: the build then keeps only the validator, leaving out
// node-cron's scheduler and the node:child_process it forks background tasks with, which every
// command that reads the config loaded (the config chunk: 84 -> 34 KB).
import { validate } from 'node-cron';

/** Exactly five fields (node-cron's optional seconds field is refused), valid for node-cron. */
export function isFiveFieldCron(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  return fields.length === 5 && validate(fields.join(' '));
}
