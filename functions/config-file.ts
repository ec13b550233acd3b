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
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { ok: false, errors: [{ path: '', message: `cannot read config file ${path}: ${reason}` }] };
  }
  return parseConfigText(text);
}
