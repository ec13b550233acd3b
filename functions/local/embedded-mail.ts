/**
 * @module The embedded mail sink of `policy-watch start` (docs/contract.md §5): aws-ses-v2-local in-process
 * (an SES endpoint plus an inbox page), and an outbox that keeps every sent message as
 * `DATA_DIR/outbox/<messageId>.eml`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Mailer } from '../../shared/domain/ports.ts';
import { CliError } from '../cli/output.ts';

export interface EmbeddedMail {
  /** SES API endpoint for an `SESClient`. */
  endpoint: string;
  /** The emulator's web inbox. */
  inboxUrl: string;
  close(): Promise<void>;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`; loaders disagree on how that surfaces in ESM. */
async function loadServer(): Promise<StartServer> {
  const mod: unknown = await import('aws-ses-v2-local');
  let candidate: unknown = mod;
  for (let depth = 0; depth < 3 && typeof candidate !== 'function'; depth++) {
    candidate = (candidate as { default?: unknown } | null)?.default;
  }
  if (typeof candidate !== 'function') throw new Error('aws-ses-v2-local: no server function exported');
  return candidate as StartServer;
}

/** Starts the emulator on 127.0.0.1:`port` (0 picks a free port). */
export async function startEmbeddedMail(options: { port?: number } = {}): Promise<EmbeddedMail> {
  const start = await loadServer();
  const wanted = options.port ?? 8005;
  const server = await start({ host: '127.0.0.1', port: wanted });
  // Express 5 hands a listen error to the callback the emulator resolves with, so a busy port
  // shows up only as a server that is not listening.
  const address = server.address() as AddressInfo | null;
  if (!address) {
    server.close(() => {});
    throw new CliError(
      'port_in_use',
      `the mail sink cannot listen on 127.0.0.1:${wanted} (port in use?); set MAIL_PORT to another (0 picks a free one)`,
    );
  }
  const { port } = address;
  const base = `http://127.0.0.1:${port}`;
  return {
    endpoint: base,
    inboxUrl: `${base}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Message ids come from SES; keep only what is safe in a file name. */
export function outboxFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9._@+-]/g, '_')}.eml`;
}

/** Saves every message the wrapped mailer sent as `<dir>/<messageId>.eml`. */
export function withOutbox(mailer: Mailer, dir: string): Mailer {
  return {
    async sendRaw(email) {
      const result = await mailer.sendRaw(email);
      try {
        await mkdir(dir, { recursive: true });
        const path = join(dir, outboxFileName(result.messageId));
        // Write then rename, so a reader never sees half a message.
        await writeFile(`${path}.tmp`, email.raw);
        await rename(`${path}.tmp`, path);
      } catch {
        // The message is already sent: a full disk must not make the digest think it failed
        // (it would release the claims and send it again).
      }
      return result;
    },
  };
}
