/**
 * @module Structured logging: one JSON object a line (level, time, message, fields), or a short
 * readable line when writing to a terminal.
 */
import type { Clock, Logger, LogLevel } from '../domain/ports.ts';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  pretty?: boolean;
  write?: (line: string) => void;
  clock?: Clock;
  fields?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = () => (options.clock ? options.clock.now() : new Date()).toISOString();
  const base = options.fields ?? {};
  return {
    log(level, message, fields = {}) {
      if (LEVELS[level] < min) return;
      const record = { level, time: now(), msg: message, ...base, ...fields };
      write(options.pretty ? pretty(record) : JSON.stringify(record, errorReplacer));
    },
    child(fields) {
      return createLogger({ ...options, fields: { ...base, ...fields } });
    },
  };
}

/** A logger that drops everything (tests, `--json` runs). */
export const silentLogger: Logger = { log() {}, child: () => silentLogger };

function pretty(record: Record<string, unknown>): string {
  const { level, time, msg, ...rest } = record;
  const extras = Object.entries(rest)
    .map(
      ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value, errorReplacer)}`,
    )
    .join(' ');
  return `${String(time).slice(11, 19)} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}${extras ? ` ${extras}` : ''}`;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
