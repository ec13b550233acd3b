/**
 * @module The HTTP app over a real (dynalite) store, with a fixed clock, a mailer that records
 * messages and a fetcher that refuses everything: what `tests/http` and `tests/browser` drive.
 */
import { beforeAll, beforeEach } from 'vitest';
import type { Config } from '#shared/config/schema.ts';
import type { Fetcher, Logger, LogLevel, Mailer, RawEmail } from '#shared/domain/ports.ts';
import { createApp } from '#shared/http/app.ts';
import { drainMailQueue } from '#shared/services/mail-queue.ts';
import type { ServiceDeps } from '#shared/services/service-deps.ts';
import { fixedClock } from '#shared/system/clock.ts';
import { factsheetEntry, NOW } from './builders.ts';
import { createTestStore, type DynaliteEndpoint, type TestStore } from './dynalite.ts';
import { forwardTo, useDynalite } from './hooks.ts';
import { configFrom } from './service-deps.ts';

export const STAFF_KEY = 'staff-key-0123456789abcdef';
export const OTHER_STAFF_KEY = 'second-staff-key-xyz';

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
    factsheetEntry(),
    factsheetEntry({
      id: 'homes',
      title: 'Finding a home',
      url: 'https://example.org/factsheets/homes',
      topics: ['housing'],
      reviewedAt: '2026-03-01',
    }),
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
  options: { dynalite?: DynaliteEndpoint; config?: Config; clientAddress?: string } = {},
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

type TestAppOptions = Omit<NonNullable<Parameters<typeof createTestApp>[0]>, 'dynalite'>;

/**
 * The hooks every HTTP test file needs: one dynalite for the file, a fresh app (with its own
 * table) before each test, handed to `use`.
 */
export function useTestApp(use: (app: TestApp) => void, options: TestAppOptions = {}): void {
  const db = useDynalite();
  beforeEach(async () => {
    use(await createTestApp({ ...options, dynalite: db }));
  });
}

/**
 * One app (and table) for the enclosing file or `describe`, shared by its tests: for files whose
 * tests only read. `options` is called when the app is made, so it may use later definitions.
 */
export function useSharedTestApp(options: () => TestAppOptions = () => ({})): TestApp {
  const db = useDynalite();
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestApp({ ...options(), dynalite: db });
  });
  return forwardTo(() => {
    if (!t) throw new Error('the test app is not made yet: use it inside a test or a hook');
    return t;
  });
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
