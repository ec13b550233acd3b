/**
 * Digest throughput: emails per second through the whole digest run (dynalite claims and marks,
 * rendering, MIME, SES emulator over HTTP) for 1,000 subscribers (BENCH_DIGEST_SUBSCRIBERS; 200
 * with --quick) × 5 alerts, against the SES emulator's own ceiling (a bare SendRawEmail loop of a
 * digest-sized message with the same SDK client and concurrency: the cost of sending alone) and
 * against rendering + MIME alone. Store, emulator and digest share this one process, as under
 * `start`. The mailer's pacing is set far above the emulator's speed so the pipeline is measured.
 */
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { startEmbeddedMail } from '../functions/local/embedded-mail.ts';
import { startEmbeddedStore } from '../functions/local/embedded-store.ts';
import type { Config } from '../shared/config/schema.ts';
import type { Fetcher } from '../shared/domain/ports.ts';
import type { Alert, Subscriber } from '../shared/domain/types.ts';
import { buildMime } from '../shared/mail/mime.ts';
import { renderDigest } from '../shared/mail/render-digest.ts';
import { createSesMailer } from '../shared/mail/ses-mailer.ts';
import { runDigest } from '../shared/services/digest.ts';
import type { ServiceDeps } from '../shared/services/service-deps.ts';
import { createDocumentClient, createDynamoStore, ensureTable } from '../shared/store/index.ts';
import { fixedClock } from '../shared/system/clock.ts';
import { silentLogger } from '../shared/system/logger.ts';
import { configFrom } from '../tests/support/service-deps.ts';
import type { BenchOptions, BenchRow } from './run.ts';

let SUBSCRIBERS = Number(process.env.BENCH_DIGEST_SUBSCRIBERS ?? 1000);
/** runDigest's default. */
const CONCURRENCY = 16;
const ALERTS = 5;
const START = '2026-11-26T07:00:00.000Z';

function benchConfig(): Config {
  return configFrom({
    organisation: { name: 'Bench Org', contact: 'policy@example.org' },
    sources: [{ id: 'leg', kind: 'feed', url: 'https://www.legislation.gov.uk/new/data.feed' }],
    topics: [
      { id: 'localism-act', title: 'Localism Act 2011', query: '"localism act"' },
      { id: 'charity-law', title: 'Charity law', query: 'charity' },
    ],
    digests: { from: 'alerts@example.org', maxSendRate: 1000 },
  });
}

function alerts(): Alert[] {
  return Array.from({ length: ALERTS }, (_, i) => ({
    id: `bench-alert-${i}`,
    kind: 'new',
    topics: i % 2 === 0 ? ['localism-act'] : ['charity-law', 'localism-act'],
    matched: [{ topic: 'localism-act', terms: ['localism act'] }],
    source: { id: 'leg', title: 'New legislation' },
    title: `The Localism Act 2011 (Amendment No. ${i}) Regulations 2026`,
    url: `https://www.legislation.gov.uk/uksi/2026/${100 + i}/made`,
    summary: 'These Regulations amend the Localism Act 2011.',
    whatChanged: `s. ${i + 1} words substituted`,
    publishedAt: START,
    changedAt: START,
    detectedAt: new Date(Date.parse(START) + 60_000 * (i + 1)).toISOString(),
  }));
}

function subscriber(index: number): Subscriber {
  return {
    email: `reader${String(index).padStart(4, '0')}@example.org`,
    topics: ['localism-act', 'charity-law'],
    frequency: 'immediate',
    status: 'confirmed',
    createdAt: START,
    confirmedAt: START,
    version: 1 + index,
    updatedAt: START,
  };
}

/** One subscriber's digest message, rendered and built as a run builds it. */
async function message(config: Config, list: Alert[], sub: Subscriber): Promise<Buffer> {
  const email = renderDigest({
    organisation: config.organisation,
    timezone: config.digests.timezone,
    topics: config.topics,
    subscriber: sub,
    alerts: list,
    factsheets: [],
    links: {
      manage: 'http://localhost:3000/manage?token=x',
      unsubscribe: 'http://localhost:3000/unsubscribe?token=x',
    },
  });
  return buildMime({
    fromName: config.organisation.name,
    fromAddress: config.digests.from,
    to: sub.email,
    ...email,
    unsubscribeUrl: 'http://localhost:3000/unsubscribe?token=x',
  });
}

/** Rendering + MIME for every subscriber, nothing else. */
async function renderOnlyRate(config: Config, list: Alert[]): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < SUBSCRIBERS; i++) await message(config, list, subscriber(i));
  return SUBSCRIBERS / ((performance.now() - begin) / 1000);
}

/** The SES client as functions/wiring.ts builds it. */
function sesClient(endpoint: string): SESClient {
  return new SESClient({
    cacheMiddleware: true,
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

/**
 * The emulator's ceiling: SendRawEmail of one digest-sized message, SUBSCRIBERS times, with the
 * client the digest uses and the same concurrency, the emulator in this process as in the runs.
 */
async function emulatorCeiling(raw: Buffer, concurrency: number): Promise<RunFigures> {
  const mail = await startEmbeddedMail({ port: 0 });
  const ses = sesClient(mail.endpoint);
  try {
    let next = 0;
    const cpu = process.cpuUsage();
    const begin = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < SUBSCRIBERS) {
          await ses.send(
            new SendRawEmailCommand({
              RawMessage: { Data: raw },
              Source: 'alerts@example.org',
              Destinations: ['reader@example.org'],
            }),
          );
        }
      }),
    );
    const seconds = (performance.now() - begin) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      rate: SUBSCRIBERS / seconds,
      storeRequests: 0,
      cpuMs: (used.user + used.system) / 1000 / SUBSCRIBERS,
    };
  } finally {
    ses.destroy();
    await mail.close();
  }
}

interface RunFigures {
  /** Emails per wall-clock second. */
  rate: number;
  /** Store requests (DynamoDB API calls) per email. */
  storeRequests: number;
  /** CPU milliseconds of this process (store included: dynalite runs in it) per email. */
  cpuMs: number;
}

/** The whole run; `toEmulator` false swaps SES for a mailer that only counts, isolating the store. */
async function fullRunRate(
  config: Config,
  list: Alert[],
  concurrency: number,
  toEmulator = true,
): Promise<RunFigures> {
  const [db, mail] = await Promise.all([
    startEmbeddedStore({ dataDir: null }),
    startEmbeddedMail({ port: 0 }),
  ]);
  // In-process, as `policy-watch digest` reaches the embedded store it hosts.
  const client = createDocumentClient({
    endpoint: db.endpoint,
    region: 'eu-west-2',
    transport: db.transport,
  });
  const ses = sesClient(mail.endpoint);
  let sent = 0;
  try {
    await ensureTable(client, 'bench');
    const store = createDynamoStore({ client, tableName: 'bench' });
    for (const alert of list) await store.alerts.create(alert);
    for (let i = 0; i < SUBSCRIBERS; i++) await store.subscribers.put(subscriber(i));
    const deps: ServiceDeps = {
      config,
      store,
      fetcher: {} as Fetcher,
      mailer: toEmulator
        ? createSesMailer({ client: ses, maxSendRate: config.digests.maxSendRate })
        : { sendRaw: async () => ({ messageId: `m-${++sent}` }) },
      clock: fixedClock('2026-11-26T08:00:00.000Z'),
      logger: silentLogger,
      publicUrl: 'http://localhost:3000',
      signingSecret: 'bench',
      staffKeys: [],
      mailFrom: config.digests.from,
    };
    let requests = 0;
    client.middlewareStack.add(
      (next) => (args) => {
        requests++;
        return next(args);
      },
      { step: 'initialize', name: 'benchCountRequests' },
    );
    const cpu = process.cpuUsage();
    const begin = performance.now();
    const report = await runDigest(deps, { frequency: 'immediate', concurrency });
    const seconds = (performance.now() - begin) / 1000;
    const used = process.cpuUsage(cpu);
    if (report.sent.length !== SUBSCRIBERS) throw new Error(`sent ${report.sent.length} of ${SUBSCRIBERS}`);
    return {
      rate: SUBSCRIBERS / seconds,
      storeRequests: requests / SUBSCRIBERS,
      cpuMs: (used.user + used.system) / 1000 / SUBSCRIBERS,
    };
  } finally {
    ses.destroy();
    client.destroy();
    await Promise.all([mail.close(), db.close()]);
  }
}

export async function benchDigest(options: BenchOptions): Promise<BenchRow[]> {
  if (options.quick && process.env.BENCH_DIGEST_SUBSCRIBERS === undefined) SUBSCRIBERS = 200;
  const config = benchConfig();
  const list = alerts();
  await renderOnlyRate(config, list); // warm-up
  const baseline = await renderOnlyRate(config, list);
  const ceiling = await emulatorCeiling(await message(config, list, subscriber(0)), CONCURRENCY);
  const rows: BenchRow[] = [
    {
      name: `SES emulator ceiling: bare SendRawEmail loop, same client, concurrency ${CONCURRENCY} (vs render+MIME only)`,
      baseline,
      measured: ceiling.rate,
      ratio: ceiling.rate / baseline,
      unit: 'emails/s',
    },
  ];
  for (const concurrency of [1, CONCURRENCY]) {
    const measured = await fullRunRate(config, list, concurrency);
    rows.push({
      name: `digest run to SES emulator, ${SUBSCRIBERS} subscribers × ${ALERTS} alerts, concurrency ${concurrency} (vs the emulator's ceiling)`,
      baseline: ceiling.rate,
      measured: measured.rate,
      ratio: measured.rate / ceiling.rate,
      unit: 'emails/s',
    });
    if (concurrency === CONCURRENCY) {
      rows.push(
        {
          name: `  store requests per email (load-independent; vs the ${ALERTS} alerts it carries)`,
          baseline: ALERTS,
          measured: measured.storeRequests,
          ratio: measured.storeRequests / ALERTS,
          unit: 'requests',
        },
        {
          name: '  CPU per email, whole process incl. embedded store and SES emulator (vs the bare SendRawEmail loop)',
          baseline: ceiling.cpuMs,
          measured: measured.cpuMs,
          ratio: measured.cpuMs / ceiling.cpuMs,
          unit: 'ms',
        },
      );
    }
  }
  const storeOnly = await fullRunRate(config, list, CONCURRENCY, false);
  rows.push({
    name: `digest run with a counting mailer (dynalite + render only), concurrency ${CONCURRENCY} (vs render+MIME only)`,
    baseline,
    measured: storeOnly.rate,
    ratio: storeOnly.rate / baseline,
    unit: 'emails/s',
  });
  return rows;
}
