/**
 * @module `policy-watch start` and `serve` (docs/contract.md §4): the embedded store and mail sink (unless
 * endpoints are set), the API and pages on `PORT`, the outbox drain, and for `start` the scheduler; records
 * `DATA_DIR/runtime.json` so one-shot commands share this process's store; on SIGINT/SIGTERM
 * lets the running step finish (bounded), closes everything and exits 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { Config } from '../../shared/config/schema.ts';
import type { Logger } from '../../shared/domain/ports.ts';
import { createApp } from '../../shared/http/app.ts';
import { createLogger } from '../../shared/system/logger.ts';
import { CliError, type Output } from '../cli/output.ts';
import { loadConfigFile, resolveConfigPath } from '../config-file.ts';
import { type Env, type EnvInput, loadEnv } from '../env.ts';
import { readLiveServer, removeRuntime, writeRuntime } from './live-server.ts';
import { type LocalDeps, openLocalDeps } from './local-deps.ts';
import { type MailPump, startMailPump } from './mail-pump.ts';
import { type Scheduler, type SchedulerOptions, startScheduler } from './scheduler.ts';
import { acquireServerLock, type ServerLock, ServerLockedError } from './server-lock.ts';

export interface StartLocalOptions {
  env: EnvInput;
  /** Already resolved (`resolveConfigPath`). */
  configPath: string;
  out: Output;
  /** `serve`: API and pages only, no scheduler. Default `start`. */
  mode?: 'start' | 'serve';
  /** The demo passes its own config and clock-shifted env. */
  config?: Config;
  scheduler?: SchedulerOptions;
  /** `--json`: the ready report is one JSON document (`readyReport`) instead of lines. */
  json?: boolean;
  /** Print the ready report; the demo prints its own, with the loop's results. Default true. */
  announce?: boolean;
}

export interface LocalServer {
  url: string;
  /** What `start` prints once ready. */
  ready: ReadyReport;
  runtime: LocalDeps;
  scheduler: Scheduler | null;
  /** Drains the outbox queue (both modes: `serve` queues confirmations too). */
  mail: MailPump;
  logger: Logger;
  /** Stops scheduling, waits for the running step (bounded), closes servers and the store. */
  close(): Promise<void>;
}

export async function startLocal(options: StartLocalOptions): Promise<LocalServer> {
  const env = loadEnv(options.env);
  const config = options.config ?? (await requireConfig(options.configPath));
  const logger = createLogger({
    pretty: options.out.isTTY,
    write: (line) => options.out.stderr(`${line}\n`),
  });
  const lock = await lockDataDir(env.DATA_DIR);
  try {
    return await startLocked(options, env, config, logger, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** The data-dir lock (atomic, see server-lock.ts), or the `already_running` CLI error. */
async function lockDataDir(dataDir: string): Promise<ServerLock> {
  const running = (pid: number | null, apiUrl?: string) =>
    new CliError(
      'already_running',
      pid === null
        ? `another policy-watch is starting on ${resolve(dataDir)}; stop it first or use another DATA_DIR`
        : `policy-watch is already running on ${resolve(dataDir)} (pid ${pid}${apiUrl ? `, ${apiUrl}` : ''}); stop it first or use another DATA_DIR`,
    );
  let lock: ServerLock;
  try {
    lock = await acquireServerLock(dataDir);
  } catch (error) {
    if (!(error instanceof ServerLockedError)) throw error;
    const live = await readLiveServer(dataDir);
    throw running(error.pid, live?.pid === error.pid ? live.apiUrl : undefined);
  }
  // A `start` of an older version holds no lock but leaves its runtime record.
  const live = await readLiveServer(dataDir);
  if (live && live.pid !== process.pid) {
    await lock.release();
    throw running(live.pid, live.apiUrl);
  }
  return lock;
}

async function startLocked(
  options: StartLocalOptions,
  env: Env,
  config: Config,
  logger: Logger,
  lock: ServerLock,
): Promise<LocalServer> {
  // Listen first: with PORT=0 the real port is only known now, and links in emails need it.
  let app: FetchApp | null = null;
  const server = await listen(env, () => app);
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  const publicUrl = env.PUBLIC_URL ?? url;
  let runtime: LocalDeps;
  try {
    runtime = await openLocalDeps({
      env,
      config,
      logger,
      role: 'server',
      publicUrl,
    });
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const mail = startMailPump(runtime.deps);
  app = createApp(runtime.deps);
  await writeRuntime(env.DATA_DIR, {
    pid: process.pid,
    storeEndpoint: runtime.storeEndpoint,
    mailEndpoint: runtime.mailEndpoint,
    ...(runtime.inboxUrl ? { inboxUrl: runtime.inboxUrl } : {}),
    apiUrl: url,
    publicUrl,
  });
  const scheduler =
    (options.mode ?? 'start') === 'start' ? startScheduler(runtime.deps, options.scheduler) : null;
  const ready = readyReport(url, env, runtime);
  if (options.announce ?? true)
    options.out.stdout(options.json ? `${JSON.stringify(ready)}\n` : readyText(ready));

  let closing: Promise<void> | null = null;
  return {
    url,
    ready,
    runtime,
    scheduler,
    mail,
    logger,
    close() {
      closing ??= (async () => {
        logger.log('info', 'shutting down');
        await scheduler?.stop();
        await closeServer(server);
        await mail.stop();
        await runtime.close();
        await removeRuntime(env.DATA_DIR, process.pid);
        await lock.release();
        logger.log('info', 'stopped');
      })();
      return closing;
    },
  };
}

/** The `start` and `serve` commands: ready, then running until SIGINT/SIGTERM; exit code 0. */
export async function runStartCommand(
  mode: 'start' | 'serve',
  context: { configArg: string | undefined; json: boolean; env: EnvInput; out: Output },
): Promise<number> {
  const configPath = resolveConfigPath(context.configArg, context.env);
  const { env, out, json } = context;
  return runUntilSignal(await startLocal({ env, configPath, out, mode, json }));
}

/** Runs until SIGINT/SIGTERM, then closes cleanly; the exit code of `start`/`serve`. */
export async function runUntilSignal(server: LocalServer): Promise<number> {
  const reason = await stopRequested();
  server.logger.log('info', 'stopping', { reason });
  await server.close();
  return 0;
}

/**
 * SIGINT, SIGTERM or SIGHUP, or the parent going away: `npm start` does not pass SIGTERM on to
 * its child, so a supervisor stopping npm would otherwise leave this process holding the port
 * and the store. Being re-parented is the sign.
 */
export function stopRequested(checkEveryMs = 1000): Promise<string> {
  const parent = process.ppid;
  return new Promise((resolveStop) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const done = (reason: string) => {
      clearInterval(watch);
      for (const signal of signals) process.off(signal, onSignal);
      resolveStop(reason);
    };
    const onSignal = (signal: NodeJS.Signals) => done(signal);
    const watch = setInterval(() => {
      if (process.ppid !== parent) done('parent exited');
    }, checkEveryMs);
    watch.unref();
    for (const signal of signals) process.once(signal, onSignal);
  });
}

async function requireConfig(path: string): Promise<Config> {
  const result = await loadConfigFile(path);
  if (result.ok) return result.config;
  throw new CliError('invalid_config', `invalid configuration ${path}`, result.errors);
}

/** What the node server hands requests to: the hono app (`env` carries the node bindings). */
export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * Serves whatever `current()` returns on `PORT` (503 until it is ready). The node server's
 * bindings (`incoming`, the socket) go through to the app: its client address comes from them.
 */
export function listen(env: Pick<Env, 'PORT'>, current: () => FetchApp | null): Promise<Server> {
  const fetch = (request: Request, bindings: unknown) => {
    const app = current();
    return app
      ? app.fetch(request, bindings)
      : new Response('starting', { status: 503, headers: { 'Retry-After': '1' } });
  };
  return new Promise((resolveServer, reject) => {
    const server = serve({ fetch, port: env.PORT, hostname: '127.0.0.1' }) as Server;
    server.once('listening', () => resolveServer(server));
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(
              'port_in_use',
              `port ${env.PORT} is in use; set PORT to another (0 picks a free one)`,
            )
          : error,
      ),
    );
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}

/** The ready report: `listening`, `staff-key` (when generated), `inbox` (embedded sink), …. */
export interface ReadyReport {
  listening: string;
  staffKey: string | null;
  inbox: string | null;
  dashboard: string;
  docs: string;
  dataDir: string;
}

function readyReport(url: string, env: Env, runtime: LocalDeps): ReadyReport {
  return {
    listening: url,
    staffKey: runtime.generatedStaffKey,
    inbox: runtime.inboxUrl,
    dashboard: `${url}/staff`,
    docs: `${url}/docs`,
    dataDir: resolve(env.DATA_DIR),
  };
}

export function readyText(ready: ReadyReport): string {
  const lines = [`listening ${ready.listening}`];
  if (ready.staffKey) lines.push(`staff-key ${ready.staffKey}`);
  if (ready.inbox) lines.push(`inbox ${ready.inbox}`);
  lines.push(`dashboard ${ready.dashboard}`, `api-docs ${ready.docs}`, `data ${ready.dataDir}`);
  return `${lines.join('\n')}\n`;
}
