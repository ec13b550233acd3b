/**
 * @module `npm run demo` (docs/contract.md §1): the whole service against recorded and constructed documents
 * served from a local HTTP server, in its own data folder (`DATA_DIR/demo`, wiped on each run
 * so it never mixes with real data). It rewires the shipped sources it has documents for, seeds
 * a confirmed subscriber `demo@example.org` (immediate, all topics), runs one poll and the
 * immediate digest at once, then keeps serving like `start`. Works offline.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Config, parseConfig, type SourceConfig } from '../../shared/config/schema.ts';
import { citedChangeText, localDate } from '../../shared/domain/cited-evidence.ts';
import { listFactsheets } from '../../shared/services/factsheets.ts';
import { createConfirmedSubscriber } from '../../shared/services/subscriptions.ts';
import { CliError, type Output } from '../cli/output.ts';
import { loadConfigFile, resolveConfigPath } from '../config-file.ts';
import { type EnvInput, loadEnv } from '../env.ts';
import { readLiveServer } from './live-server.ts';
import { type LocalServer, readyText, runUntilSignal, startLocal } from './start.ts';

export const DEMO_SUBSCRIBER = 'demo@example.org';

// Two folders down from the package root both here and in the compiled dist/chunks/.
const ROOT = resolve(import.meta.dirname, '../..');
const demoFile = (name: string) => join(ROOT, 'functions/local/demo-fixtures', name);

const ATOM = 'application/atom+xml; charset=utf-8';
/** Local path → document; functions/local/demo-fixtures/README.md says where each comes from. */
const DOCUMENTS: Record<string, { file: string; type: string }> = {
  '/legislation/new/data.feed': { file: demoFile('legislation-new-data-feed-2015.xml'), type: ATOM },
  '/legislation/changes/affected/ukpga/2011/20/data.feed': {
    file: demoFile('leg-localism-changes.feed.xml'),
    type: ATOM,
  },
  '/govuk/search/all.atom': { file: demoFile('govuk-localism.atom'), type: ATOM },
  '/api/search.json': { file: demoFile('govuk-search-api-search-json-q-tax.json'), type: 'application/json' },
  '/bills/rss/allbills.rss': {
    file: demoFile('parliament-bills-allpublicbills-2017.rss.xml'),
    type: 'application/rss+xml; charset=utf-8',
  },
  '/lga/about/news': { file: demoFile('lga-news.html'), type: 'text/html; charset=utf-8' },
  '/legislation/ukpga/2011/20/contents/data.xml': {
    file: demoFile('legislation-ukpga-2011-20-contents-constructed.xml'),
    type: 'application/xml',
  },
};
/** Every other cited Act's changes feed: no changes. */
const NO_CHANGES = { file: demoFile('leg-changes-empty.feed.xml'), type: ATOM };
const CHANGES_FEED = /^\/legislation\/changes\/affected\/[a-z]+\/\d{4}\/\d+\/data\.feed$/;

/** Shipped source id → the local document that stands in for it. */
const DEMO_SOURCES: Record<string, string> = {
  'leg-localism-changes': '/legislation/changes/affected/ukpga/2011/20/data.feed',
  'leg-new': '/legislation/new/data.feed',
  'govuk-localism': '/govuk/search/all.atom',
  'govuk-search-localism': '/api/search.json',
  'parliament-bills': '/bills/rss/allbills.rss',
  'lga-news': '/lga/about/news',
};

export interface DemoOptions {
  env: EnvInput;
  /** The shipped config (topics and factsheets come from it). */
  configPath: string;
  out: Output;
  /** `--json`: one document, the ready report of `start` plus `demo` (the loop's results). */
  json?: boolean;
}

/** The `demo` command: the loop at once, then serving until SIGINT/SIGTERM; exit code 0. */
export async function runDemoCommand(context: {
  configArg: string | undefined;
  json: boolean;
  env: EnvInput;
  out: Output;
}): Promise<number> {
  const configPath = resolveConfigPath(context.configArg, context.env);
  const { env, out, json } = context;
  return runUntilSignal(await startDemo({ env, configPath, out, json }));
}

export async function startDemo(options: DemoOptions): Promise<LocalServer> {
  const env = loadEnv(options.env);
  const dataDir = join(env.DATA_DIR, 'demo');
  const live = await readLiveServer(dataDir);
  if (live)
    throw new CliError('already_running', `the demo is already running (pid ${live.pid}) at ${live.apiUrl}`);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  const fixtures = await startDocumentServer();
  try {
    const config = await demoConfig(options.configPath, fixtures.url);
    const configPath = join(dataDir, 'watch.json');
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
    const server = await startLocal({
      env: { ...options.env, DATA_DIR: dataDir },
      configPath,
      config,
      out: options.out,
      scheduler: { pollAtStart: false },
      announce: false,
    });
    try {
      const demo = await runLoop(server);
      options.out.stdout(
        options.json
          ? `${JSON.stringify({ ...server.ready, demo })}\n`
          : `${readyText(server.ready)}${demoText(server, demo)}`,
      );
    } catch (error) {
      await server.close();
      throw error;
    }
    return {
      ...server,
      async close() {
        await server.close();
        await fixtures.close();
      },
    };
  } catch (error) {
    await fixtures.close();
    throw error;
  }
}

interface DemoReport {
  /** Alerts created (at most 100 counted). */
  alerts: number;
  staleFactsheets: number;
  /** Stale because a provision they cite changed. */
  highSeverity: { id: string; title: string; changes: string[] }[];
  factsheets: number;
  /** Alerts sent to demo@example.org in the immediate digest. */
  digestAlerts: number;
  subscriber: string;
}

/** Seeds the subscriber first: digests only carry alerts detected after confirmation. */
async function runLoop(server: LocalServer): Promise<DemoReport> {
  const { deps } = server.runtime;
  await createConfirmedSubscriber(deps, {
    email: DEMO_SUBSCRIBER,
    topics: deps.config.topics.map((topic) => topic.id),
    frequency: 'immediate',
  });
  // The scheduler's poll job is the real one: poll the due sources, then the immediate digest.
  await server.scheduler?.run('poll');
  const alerts = await deps.store.alerts.list({ limit: 100 });
  const stale = await listFactsheets(deps, { stale: true });
  const delivered = (await deps.store.deliveries.list(DEMO_SUBSCRIBER)).filter((d) => d.messageId);
  const today = localDate(deps.clock.now(), deps.config.digests.timezone);
  return {
    alerts: alerts.items.length,
    staleFactsheets: stale.length,
    highSeverity: stale
      .filter((sheet) => sheet.severity === 'high')
      .map((sheet) => ({
        id: sheet.id,
        title: sheet.title,
        changes: sheet.evidence
          .filter((alert) => alert.because.reason === 'cites')
          .map((alert) => citedChangeText(alert, today)),
      })),
    factsheets: deps.config.factsheets.length,
    digestAlerts: delivered.length,
    subscriber: DEMO_SUBSCRIBER,
  };
}

function demoText(server: LocalServer, demo: DemoReport): string {
  const inbox = server.runtime.inboxUrl;
  return `${[
    `demo alerts ${demo.alerts} (${server.url}/api/alerts)`,
    `demo stale-factsheets ${demo.staleFactsheets} of ${demo.factsheets} (${server.url}/staff)`,
    ...demo.highSeverity.map(
      (sheet) => `demo high-severity ${sheet.title}: ${sheet.changes[0] ?? 'a cited provision changed'}`,
    ),
    `demo digest ${demo.digestAlerts} alert(s) sent to ${demo.subscriber}${inbox ? ` (${inbox})` : ''}`,
  ].join('\n')}\n`;
}

/** The shipped topics and factsheets, with the sources that have a local document rewired. */
async function demoConfig(configPath: string, base: string): Promise<Config> {
  const shipped = await loadConfigFile(configPath);
  if (!shipped.ok)
    throw new CliError('invalid_config', `invalid configuration ${configPath}`, shipped.errors);
  const sources = shipped.config.sources.flatMap((source): SourceConfig[] => {
    const path = DEMO_SOURCES[source.id];
    if (!path) return [];
    return [{ ...source, url: `${base}${path}`, allowPrivateNetwork: true, backfill: 'all', maxPages: 1 }];
  });
  const { $schema: _schema, ...rest } = shipped.config;
  // Cited Acts' feeds and contents come from the document server too.
  const legislation = { baseUrl: `${base}/legislation`, allowPrivateNetwork: true, every: '1h' };
  const result = parseConfig({ ...rest, sources, legislation });
  if (!result.ok) throw new CliError('invalid_config', 'the demo configuration is invalid', result.errors);
  return result.config;
}

interface DocumentServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the demo documents on 127.0.0.1, with ETags so re-polls are conditional (304). */
async function startDocumentServer(): Promise<DocumentServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://demo').pathname;
    const document =
      DOCUMENTS[path] ??
      (CHANGES_FEED.test(path) ? NO_CHANGES : null) ??
      (path.startsWith('/government/') ? { file: demoFile('govuk-page.html'), type: 'text/html' } : null);
    if (!document) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    readFile(document.file).then(
      (body) => {
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
        if (request.headers['if-none-match'] === etag) {
          response.writeHead(304, { etag }).end();
          return;
        }
        response.writeHead(200, { 'content-type': document.type, etag }).end(body);
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
