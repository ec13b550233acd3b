/**
 * @module The config file on disk: which path (`--config`, `POLICY_WATCH_CONFIG`, the default) and
 * reading it into a validated `Config` (the schema itself is shared/config/schema.ts).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ConfigResult, parseConfigText } from '../shared/config/schema.ts';
import type { EnvInput } from './env.ts';

export const DEFAULT_CONFIG_PATH = 'config/watch.json';

/** `--config PATH` beats `POLICY_WATCH_CONFIG`, else `config/watch.json`; relative to `cwd`. */
export function resolveConfigPath(configArg: string | undefined, env: EnvInput, cwd = process.cwd()): string {
  return resolve(cwd, configArg || env.POLICY_WATCH_CONFIG || DEFAULT_CONFIG_PATH);
}

/** The config file, parsed and validated; an unreadable file is a config error too. */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      errors: [{ path: '', message: `cannot read config file ${path}: ${readFailure(error)}` }],
    };
  }
  return parseConfigText(text);
}

/** Why a file could not be read, in words: "file not found", else the system's message. */
export function readFailure(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
}
