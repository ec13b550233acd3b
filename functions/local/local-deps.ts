/**
 * @module The embedded default (docs/contract.md §5): the store from `DYNAMODB_ENDPOINT`, else a live
 * `start`'s (runtime.json), else dynalite on `DATA_DIR`; mail through `SES_ENDPOINT`, else the
 * live `start`'s sink, else an embedded aws-ses-v2-local; every locally sunk message is also
 * kept as `DATA_DIR/outbox/<messageId>.eml`.
 */
import { join } from 'node:path';
import type { Config } from '../../shared/config/schema.ts';
import type { ListingGeneration, Logger, Mailer, Store } from '../../shared/domain/ports.ts';
import type { ServiceDeps } from '../../shared/services/service-deps.ts';
import type { Env } from '../env.ts';
import { buildDeps, lazyMailer, lazySesMailer } from '../wiring.ts';
import { type EmbeddedMail, startEmbeddedMail, withOutbox } from './embedded-mail.ts';
import { openLocalStore, readLiveServer } from './live-server.ts';
import { localSecrets } from './secrets.ts';
import type { StoreLease } from './store-lease.ts';

export interface LocalDeps {
  deps: ServiceDeps;
  storeEndpoint: string;
  mailEndpoint: string;
  /** The embedded sink's inbox page; null with `SES_ENDPOINT`. */
  inboxUrl: string | null;
  /** Set when the staff key came from `DATA_DIR/staff-api-key` (printed by `start`). */
  generatedStaffKey: string | null;
  close(): Promise<void>;
}

export interface OpenLocalDepsOptions {
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
  /**
   * A command that may never send (poll) starts its own mail sink only on its first message,
   * so it does not load the emulator for nothing.
   */
  mailOnDemand?: boolean;
  /** The embedded store a command began opening early (store-lease.ts); taken if it is this DATA_DIR's. */
  store?: StoreLease;
}

export async function openLocalDeps(options: OpenLocalDepsOptions): Promise<LocalDeps> {
  const { env, config, logger } = options;
  const secrets = await localSecrets(env);
  const live = options.role === 'command' ? await readLiveServer(env.DATA_DIR) : null;
  const store =
    options.store && options.store.dataDir === env.DATA_DIR && !env.DYNAMODB_ENDPOINT
      ? await options.store.take()
      : await openLocalStore({
          dataDir: env.DATA_DIR,
          ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
        });
  let mail: EmbeddedMail | null = null;
  try {
    let mailEndpoint = env.SES_ENDPOINT ?? live?.mailEndpoint ?? null;
    let inboxUrl = env.SES_ENDPOINT ? null : (live?.inboxUrl ?? null);
    const outbox = join(env.DATA_DIR, 'outbox');
    const onDemand = !mailEndpoint && options.mailOnDemand === true && options.role === 'command';
    let startOnDemand: (() => Promise<Mailer>) | null = null;
    if (onDemand) {
      startOnDemand = async () => {
        mail = await startEmbeddedMail({ port: 0 });
        const ses = lazySesMailer({
          region: env.AWS_REGION,
          endpoint: mail.endpoint,
          maxSendRate: config.digests.maxSendRate,
        });
        return withOutbox(ses, outbox);
      };
      mailEndpoint = 'on-demand';
    } else if (!mailEndpoint) {
      mail = await startEmbeddedMail({ port: options.role === 'server' ? env.MAIL_PORT : 0 });
      mailEndpoint = mail.endpoint;
      inboxUrl = mail.inboxUrl;
    }
    const publicUrl = options.publicUrl ?? (env.PUBLIC_URL ? undefined : (live?.publicUrl ?? live?.apiUrl));
    const deps = await buildDeps({
      env,
      config,
      secrets,
      storeEndpoint: store.endpoint,
      // This process hosts the store: its own requests skip the socket.
      ...(store.transport ? { storeTransport: store.transport } : {}),
      ...(startOnDemand ? {} : { sesEndpoint: mailEndpoint }),
      ensureTable: true,
      logger,
      ...(publicUrl ? { publicUrl } : {}),
      ...(startOnDemand
        ? { wrapMailer: () => lazyMailer(startOnDemand) }
        : env.SES_ENDPOINT
          ? {}
          : { wrapMailer: (mailer: Mailer) => withOutbox(mailer, outbox) }),
    });
    // Every write to an embedded store goes through this process (commands beside `start` use
    // its endpoint), so counting them replaces a store read per listing request.
    if (store.writes) deps.store = withListingGeneration(deps.store, store.writes);
    return {
      deps,
      storeEndpoint: store.endpoint,
      mailEndpoint,
      inboxUrl,
      generatedStaffKey: secrets.generatedStaffKey,
      async close() {
        const sink: EmbeddedMail | null = mail;
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

function withListingGeneration(store: Store, writes: () => ListingGeneration): Store {
  return { ...store, alerts: { ...store.alerts, listingGeneration: async () => writes() } };
}
