/**
 * @module The embedded default (SPEC §5): the store from `DYNAMODB_ENDPOINT`, else a live
 * `start`'s (runtime.json), else dynalite on `DATA_DIR`; mail through `SES_ENDPOINT`, else the
 * live `start`'s sink, else an embedded aws-ses-v2-local; every locally sunk message is also
 * kept as `DATA_DIR/outbox/<messageId>.eml`.
 */
import { join } from 'node:path';
import type { Config } from '../../shared/config.ts';
import type { Logger } from '../../shared/ports.ts';
import type { ServiceDeps } from '../../shared/services/deps.ts';
import { buildDeps, type Env, localSecrets } from '../deps.ts';
import { type EmbeddedMail, startEmbeddedMail, withOutbox } from './embedded-mail.ts';
import { openLocalStore, readLiveRuntime } from './runtime.ts';

export interface LocalRuntime {
  deps: ServiceDeps;
  storeEndpoint: string;
  mailEndpoint: string;
  /** The embedded sink's inbox page; null with `SES_ENDPOINT`. */
  inboxUrl: string | null;
  /** Set when the staff key came from `DATA_DIR/staff-api-key` (printed by `start`). */
  generatedStaffKey: string | null;
  close(): Promise<void>;
}

export interface OpenLocalRuntimeOptions {
  env: Env;
  config: Config;
  logger: Logger;
  /**
   * `server` (start, serve, demo) owns its mail sink on `MAIL_PORT`; `command` (poll, digest)
   * reuses a live `start`'s, else runs one on a free port for its own lifetime.
   */
  role: 'server' | 'command';
  /**
   * Where links in emails point (the server's real URL once it listens). A command with no
   * `PUBLIC_URL` of its own uses the live `start`'s, so a `digest` run beside `start` with
   * `PORT=0` links to that server rather than to the default port where nothing listens.
   */
  publicUrl?: string;
}

export async function openLocalRuntime(options: OpenLocalRuntimeOptions): Promise<LocalRuntime> {
  const { env, config, logger } = options;
  const secrets = await localSecrets(env);
  const live = options.role === 'command' ? await readLiveRuntime(env.DATA_DIR) : null;
  const store = await openLocalStore({
    dataDir: env.DATA_DIR,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  });
  let mail: EmbeddedMail | null = null;
  try {
    let mailEndpoint = env.SES_ENDPOINT ?? live?.mailEndpoint ?? null;
    let inboxUrl = env.SES_ENDPOINT ? null : (live?.inboxUrl ?? null);
    if (!mailEndpoint) {
      mail = await startEmbeddedMail({ port: options.role === 'server' ? env.MAIL_PORT : 0 });
      mailEndpoint = mail.endpoint;
      inboxUrl = mail.inboxUrl;
    }
    const outbox = join(env.DATA_DIR, 'outbox');
    const publicUrl = options.publicUrl ?? (env.PUBLIC_URL ? undefined : (live?.publicUrl ?? live?.apiUrl));
    const deps = await buildDeps({
      env,
      config,
      secrets,
      storeEndpoint: store.endpoint,
      sesEndpoint: mailEndpoint,
      ensureTable: true,
      logger,
      ...(publicUrl ? { publicUrl } : {}),
      ...(env.SES_ENDPOINT ? {} : { wrapMailer: (mailer) => withOutbox(mailer, outbox) }),
    });
    const sink = mail;
    return {
      deps,
      storeEndpoint: store.endpoint,
      mailEndpoint,
      inboxUrl,
      generatedStaffKey: secrets.generatedStaffKey,
      async close() {
        await sink
          ?.close()
          .catch((error: unknown) => logger.log('warn', 'mail sink close failed', { error }));
        await store.close();
      },
    };
  } catch (error) {
    await mail?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}
