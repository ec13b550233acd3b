/**
 * @module The configuration the deployment is built from: the same file and validation as the
 * CLI (`POLICY_WATCH_CONFIG`, default `config/watch.json`), read when `sst deploy` runs. The file
 * is also copied into every function bundle, where `functions/wiring.ts` reads it.
 */
import { readFileSync } from 'node:fs';
import { type Config, parseConfigText } from '../shared/config/schema.ts';

export const CONFIG_PATH = process.env.POLICY_WATCH_CONFIG ?? 'config/watch.json';

/** Where the handlers find the config inside the Lambda bundle (relative to /var/task). */
export const BUNDLED_CONFIG_PATH = 'config/watch.json';

function load(): Config {
  const result = parseConfigText(readFileSync(CONFIG_PATH, 'utf8'));
  if (!result.ok) {
    const lines = result.errors.map((error) => `  ${error.path || '(document)'}: ${error.message}`);
    throw new Error(`${CONFIG_PATH} is invalid:\n${lines.join('\n')}`);
  }
  return result.config;
}

export const config = load();
