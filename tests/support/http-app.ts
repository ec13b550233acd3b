/**
 * @module The HTTP app over a real (dynalite) store, with a fixed clock, a mailer that records
 * messages and a fetcher that refuses everything: what `tests/http` and `tests/browser` drive.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Config } from '#shared/config/schema.ts';
import type { Fetcher, Logger, LogLevel, Mailer, RawEmail } from '#shared/domain/ports.ts';
import type { Alert } from '#shared/domain/types.ts';
import { createApp } from '#shared/http/app.ts';
import { drainMailQueue } from '#shared/services/mail-queue.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { createTestStore, startDynalite, type TestDynalite, type TestStore } from './dynalite.ts';
import { configFrom } from './service-deps.ts';

export const STAFF_KEY = 'staff-key-0123456789abcdef';
export const OTHER_STAFF_KEY = 'second-staff-key-xyz';
export const NOW = '2026-03-10T12:00:00.000Z';

export const TEST_CONFIG = {
  organisation: { name: 'Test Advice Network', contact: 'policy@example.org' },
  sources: [
    {
      id: 'leg-localism',
      title: 'Changes to the Localism Act 2011',
      kind: 'feed',
      url: 'https://www.legislation.gov.uk/changes/affected/ukpga/2011/20/data.feed',
    },
    {
      id: 'govuk-housing',
      title: 'GOV.UK housing',
      kind: 'govuk-search',
      url: 'https://www.gov.uk/api/search.json?filter_topics=housing',
    },
    { id: 'lga-news', title: 'LGA news', kind: 'page', url: 'https://www.local.gov.uk/news', select: 'main' },
  ],
  topics: [
    { id: 'localism-act', title: 'Localism Act 2011', query: '"localism act" OR legislation:ukpga/2011/20' },
    { id: 'housing', title: 'Housing', query: 'housing OR homelessness' },
    { id: 'planning', title: 'Planning', query: 'planning' },
  ],
  factsheets: [
    {
      id: 'lsp',
      title: 'Local strategic partnerships',
      url: 'https://example.org/factsheets/lsp',
      topics: ['localism-act'],
      reviewedAt: '2026-01-15',
    },
    {
      id: 'homes',
      title: 'Finding a home',
      url: 'https://example.org/factsheets/homes',
      topics: ['housing'],
      reviewedAt: '2026-03-01',
    },
  ],
  digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
};

export function testConfig(overrides: Partial<typeof TEST_CONFIG> = {}): Config {
  return configFrom({ ...TEST_CONFIG, ...overrides });
}

/** A Mailer that keeps every message (typed as the port). */
export class RecordingMailer implements Mailer {
  readonly sent: (RawEmail & { messageId: string; text: string })[] = [];
  async sendRaw(email: RawEmail): Promise<{ messageId: string }> {
    const messageId = `test-${this.sent.length + 1}`;
    this.sent.push({ ...email, messageId, text: decodeMime(email.raw) });
    return { messageId };
  }
  last(to?: string) {
    const matching = to ? this.sent.filter((email) => email.to === to) : this.sent;
    return matching[matching.length - 1];
  }
  /** Absolute links to `path` (e.g. `/subscriptions/confirm`) found in the last message to `to`. */
  linksTo(path: string, to?: string): string[] {
    const text = this.last(to)?.text ?? '';
    const links = text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    return [
      ...new Set(
        links.map((link) => link.replace(/&amp;/g, '&')).filter((link) => new URL(link).pathname === path),
      ),
    ];
  }
}

/** Undoes quoted-printable soft breaks and escapes so links can be read from the raw message. */
export function decodeMime(raw: Buffer): string {
  return raw
    .toString('utf8')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export const refusingFetcher: Fetcher = {
  async fetch(request) {
    throw new Error(`no network in tests: ${request.url}`);
  },
};

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

export function recordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const make = (base: Record<string, unknown>): Logger & { records: LogRecord[] } => ({
    records,
    log: (level, message, fields = {}) => records.push({ level, message, fields: { ...base, ...fields } }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return make({});
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: ServiceDeps;
  store: TestStore['store'];
  /** The table under `store`: another store on it stands for another process. */
  table: Pick<TestStore, 'client' | 'tableName'>;
  mailer: RecordingMailer;
  clock: ReturnType<typeof fixedClock>;
  logs: LogRecord[];
  close(): Promise<void>;
}

export async function createTestApp(
  options: { dynalite?: TestDynalite; config?: Config; clientAddress?: string } = {},
): Promise<TestApp> {
  const testStore = await createTestStore(options.dynalite);
  const clock = fixedClock(NOW);
  const mailer = new RecordingMailer();
  const logger = recordingLogger();
  const deps: ServiceDeps = {
    config: options.config ?? testConfig(),
    store: testStore.store,
    fetcher: refusingFetcher,
    mailer,
    clock,
    logger,
    publicUrl: 'http://policy-watch.test',
    signingSecret: 'test-signing-secret-which-is-long-enough',
    staffKeys: [OTHER_STAFF_KEY, STAFF_KEY],
    mailFrom: 'alerts@example.org',
  };
  const clientAddress = options.clientAddress;
  const app = createApp(deps, clientAddress ? { clientAddress: () => clientAddress } : {});
  // As `start` does, mail queued by a request is sent right after it: here before `request`
  // (or `fetch`, which the browser tests serve) resolves, so a test reads the mailer at once (the
  // request itself never waits for it).
  let queued = false;
  deps.mailQueued = () => {
    queued = true;
  };
  const sendQueued = async <T>(response: T): Promise<T> => {
    if (queued) {
      queued = false;
      await drainMailQueue(deps);
    }
    return response;
  };
  const request = app.request.bind(app);
  app.request = (async (...args: Parameters<typeof request>) =>
    sendQueued(await request(...args))) as typeof app.request;
  const fetch = app.fetch;
  app.fetch = (async (...args: Parameters<typeof fetch>) =>
    sendQueued(await fetch(...args))) as typeof app.fetch;
  return {
    app,
    deps,
    store: testStore.store,
    table: { client: testStore.client, tableName: testStore.tableName },
    mailer,
    clock,
    logs: logger.records,
    close: () => testStore.close(),
  };
}

/**
 * The hooks every HTTP test file needs: one dynalite for the file, a fresh app (with its own
 * table) before each test, handed to `use`.
 */
export function useTestApp(use: (app: TestApp) => void): void {
  let dynalite: TestDynalite | undefined;
  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite?.close();
  });
  beforeEach(async () => {
    use(await createTestApp({ dynalite }));
  });
}

let counter = 0;
/** An alert with sensible defaults; ids sort by creation order unless given. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  counter += 1;
  const detectedAt = overrides.detectedAt ?? NOW;
  return {
    id: `a${String(counter).padStart(6, '0')}`,
    kind: 'new',
    topics: ['localism-act'],
    matched: [{ topic: 'localism-act', terms: ['localism act'] }],
    source: { id: 'leg-localism', title: 'Changes to the Localism Act 2011' },
    title: `Alert ${counter}`,
    url: `https://www.legislation.gov.uk/ukpga/2011/20/section/${counter}`,
    summary: '',
    whatChanged: `s. ${counter} words substituted`,
    publishedAt: null,
    changedAt: detectedAt,
    detectedAt,
    ...overrides,
  };
}

export function bearer(key = STAFF_KEY): Record<string, string> {
  return { Authorization: `Bearer ${key}` };
}

export function basic(password = STAFF_KEY, user = 'staff'): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
