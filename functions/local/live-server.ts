/**
 * @module The `DATA_DIR/runtime.json` protocol (docs/contract.md §4): `start` records its pid and endpoints;
 * other commands use those endpoints while that pid lives, so only one process ever opens the
 * embedded store. `openLocalStore` picks the store endpoint in that order: explicit, live
 * runtime, else embedded dynalite on `DATA_DIR`.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { ListingGeneration } from '../../shared/domain/ports.ts';
import { type StoreWorker, startStoreWorker } from './embedded-store.ts';
import type { InProcessTransport } from './embedded-transport.ts';
import { isProcessAlive } from './store-claim.ts';

export { StoreLockedError } from './store-claim.ts';

const liveServerSchema = z.object({
  pid: z.number().int().positive(),
  storeEndpoint: z.string(),
  mailEndpoint: z.string().nullable(),
  inboxUrl: z.string().optional(),
  apiUrl: z.string().optional(),
  /** Where the server's email links point; commands use it so their links reach that server. */
  publicUrl: z.string().optional(),
});

export type LiveServerInfo = z.infer<typeof liveServerSchema>;

const runtimeFile = (dataDir: string) => join(dataDir, 'runtime.json');

/** Writes atomically (temp file + rename) so a reader never sees half a document. */
export async function writeRuntime(dataDir: string, info: LiveServerInfo): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const temp = `${runtimeFile(dataDir)}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(liveServerSchema.parse(info), null, 2)}\n`);
  await rename(temp, runtimeFile(dataDir));
}

async function readRuntime(dataDir: string): Promise<LiveServerInfo | null> {
  let text: string;
  try {
    // Synchronously, as secrets.ts reads its files: one small file, not worth a thread-pool queue.
    text = readFileSync(runtimeFile(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = liveServerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The runtime record, only while the process that wrote it is alive. */
export async function readLiveServer(dataDir: string): Promise<LiveServerInfo | null> {
  const info = await readRuntime(dataDir);
  return info && isProcessAlive(info.pid) ? info : null;
}

/** Removes the record if it is still `pid`'s (a newer `start` may have replaced it). */
export async function removeRuntime(dataDir: string, pid: number): Promise<void> {
  const info = await readRuntime(dataDir);
  if (info?.pid !== pid) return;
  await unlink(runtimeFile(dataDir)).catch(() => {});
}

export interface LocalStore {
  endpoint: string;
  /** True when this process started dynalite (and must close it). */
  embedded: boolean;
  /** When embedded: its write count (embedded-store.ts), standing for the listing generation. */
  writes?: () => ListingGeneration;
  /** When embedded: the SDK transport that reaches it without a socket (embedded-transport.ts). */
  transport?: InProcessTransport;
  close(): Promise<void>;
}

export interface OpenLocalStoreOptions {
  dataDir: string;
  /** `DYNAMODB_ENDPOINT`: used as is. */
  endpoint?: string;
  /** Port for a newly started embedded store; 0 (default) picks a free one. */
  port?: number;
  /** The worker to open an embedded store in, already started (store-lease.ts); else one is started. */
  worker?: StoreWorker;
}

/** Throws StoreLockedError when another process holds `DATA_DIR/dynamodb` without a runtime record. */
export async function openLocalStore(options: OpenLocalStoreOptions): Promise<LocalStore> {
  const shared = options.endpoint ?? (await readLiveServer(options.dataDir))?.storeEndpoint;
  if (shared) {
    await options.worker?.discard();
    return { endpoint: shared, embedded: false, close: async () => {} };
  }
  const worker = options.worker ?? startStoreWorker();
  const store = await worker.open({ dataDir: options.dataDir, port: options.port ?? 0 });
  return {
    endpoint: store.endpoint,
    embedded: true,
    writes: store.writes,
    transport: store.transport,
    close: () => store.close(),
  };
}
