/**
 * @module The one-shot commands' dependencies: the embedded default, or a live `start`'s
 * endpoints. Kept apart from `functions/wiring.ts`, which the Lambda handlers import, so that the
 * local-only modules are loaded lazily from here and never from the Lambda composition root.
 */

import type { Config } from '../../shared/config/schema.ts';
import type { ServiceDeps } from '../../shared/services/service-deps.ts';
import { createLogger } from '../../shared/system/logger.ts';
import { type EnvInput, loadEnv } from '../env.ts';
import type { StoreLease } from '../local/store-lease.ts';

export interface CommandDeps {
  deps: ServiceDeps;
  close(): Promise<void>;
}

// A specifier in a variable keeps bundlers from pulling dynalite and the mail emulator into the
// Lambda bundles: the embedded default is only ever loaded on a workstation.
const LOCAL_RUNTIME = '../local/local-deps.ts';

/** The one-shot commands' deps: the embedded default, or a live `start`'s endpoints. */
export async function openServiceDeps(options: {
  env: EnvInput;
  config: Config;
  quiet?: boolean;
  /** Start the embedded mail sink only if a message is sent (poll). */
  mailOnDemand?: boolean;
  /** The embedded store, already opening (local/store-lease.ts). */
  store?: StoreLease | null;
}): Promise<CommandDeps> {
  const local: typeof import('../local/local-deps.ts') = await import(LOCAL_RUNTIME);
  const env = loadEnv(options.env);
  const logger = createLogger({
    level: options.quiet ? 'warn' : 'info',
    pretty: Boolean(process.stderr.isTTY),
  });
  const runtime = await local.openLocalDeps({
    env,
    config: options.config,
    logger,
    role: 'command',
    mailOnDemand: options.mailOnDemand === true,
    ...(options.store ? { store: options.store } : {}),
  });
  return { deps: runtime.deps, close: runtime.close };
}
