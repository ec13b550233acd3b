/**
 * @module Cron expressions as the configuration file accepts them: the classic five fields
 * (minute hour day-of-month month day-of-week), checked by node-cron's own validator so that
 * what the file accepts is what the local scheduler runs.
 */
import cron from 'node-cron';

/** Exactly five fields (node-cron's optional seconds field is refused), valid for node-cron. */
export function isFiveFieldCron(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  return fields.length === 5 && cron.validate(fields.join(' '));
}
