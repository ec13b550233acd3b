/**
 * @module Builders for the domain objects tests make by hand: alerts, subscribers, parsed items,
 * source states, and the config file's entries (sources, topics, factsheets) and whole configs.
 * Each has sensible defaults and takes a partial object of overrides; a test states only what it
 * is about.
 */
import { type Config, type SourceConfig, SourceSchema } from '#shared/config/schema.ts';
import type { TopicQuality } from '#shared/domain/feedback.ts';
import type { Alert, InForce, ParsedItem, SourceState, Subscriber } from '#shared/domain/types.ts';
import { configFrom } from './service-deps.ts';

/** The instant builders date things at unless told otherwise. */
export const NOW = '2026-03-10T12:00:00.000Z';

let alertCounter = 0;
/**
 * An alert on `localism-act` from the Localism Act changes feed; ids sort by creation order
 * unless given. Given `topics` without `matched`, each topic matched on its own id.
 */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  alertCounter += 1;
  const detectedAt = overrides.detectedAt ?? NOW;
  const matched =
    overrides.topics === undefined
      ? [{ topic: 'localism-act', terms: ['localism act'] }]
      : overrides.topics.map((topic) => ({ topic, terms: [topic] }));
  return {
    id: `a${String(alertCounter).padStart(6, '0')}`,
    kind: 'new',
    topics: ['localism-act'],
    matched,
    source: { id: 'leg-localism', title: 'Changes to the Localism Act 2011' },
    title: `Alert ${alertCounter}`,
    url: `https://www.legislation.gov.uk/ukpga/2011/20/section/${alertCounter}`,
    summary: '',
    whatChanged: `s. ${alertCounter} words substituted`,
    publishedAt: null,
    changedAt: detectedAt,
    detectedAt,
    ...overrides,
  };
}

/** A new-legislation alert (source `leg`), the shape the digest tests use; `at` dates all three. */
export function makeLegislationAlert(overrides: Partial<Alert> & { at?: string } = {}): Alert {
  const { at = NOW, ...rest } = overrides;
  return makeAlert({
    source: { id: 'leg', title: 'New legislation' },
    whatChanged: 'New legislation',
    publishedAt: at,
    changedAt: at,
    detectedAt: at,
    ...rest,
  });
}

/**
 * An alert from a legislation.gov.uk effect on the Localism Act 2011 (`ukpga/2011/20`) made by a
 * 2023 Act (`ukpga/2023/54`): no topics, found through a factsheet's citation.
 */
export function makeEffectAlert(
  effect: { provisions: string; affecting: string; effect?: string; inForce?: InForce[] },
  overrides: Partial<Alert> = {},
): Alert {
  return makeAlert({
    topics: [],
    matched: [],
    source: { id: 'cited-ukpga-2011-20', title: 'Changes to Localism Act 2011' },
    url: 'https://www.legislation.gov.uk/ukpga/2011/20',
    whatChanged: '',
    changedAt: '2026-09-20T10:00:00.000Z',
    detectedAt: '2026-10-01T12:00:00.000Z',
    legislation: {
      affected: { id: 'ukpga/2011/20', title: 'Localism Act 2011' },
      affecting: { id: 'ukpga/2023/54', title: effect.affecting },
      effect: effect.effect ?? 'words substituted',
      provisions: { affected: effect.provisions, affecting: 'Sch. 11 para. 45' },
      inForce: effect.inForce ?? [],
    },
    ...overrides,
  });
}

/** A confirmed daily subscriber, created, confirmed and updated at `createdAt` (default NOW). */
export function makeSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  const at = overrides.createdAt ?? NOW;
  return {
    email: 'ann@example.org',
    topics: ['localism-act'],
    frequency: 'daily',
    status: 'confirmed',
    createdAt: at,
    confirmedAt: at,
    version: 1,
    updatedAt: at,
    ...overrides,
  };
}

/** A topic's quality figures before anything is judged or reported missed. */
export function unjudgedQuality(topic: string): TopicQuality {
  return {
    topic,
    judged: 0,
    relevant: 0,
    notRelevant: 0,
    missed: 0,
    precision: null,
    recall: null,
    falseTerms: [],
  };
}

/** An item as a parser produces it: a GOV.UK news page with empty text and no dates. */
export function makeItem(overrides: Partial<ParsedItem> = {}): ParsedItem {
  const url = overrides.url ?? 'https://www.gov.uk/government/news/example';
  return {
    key: url,
    title: 'Example',
    url,
    summary: '',
    content: '',
    publishedAt: null,
    updatedAt: null,
    links: [],
    ...overrides,
  };
}

/** A source's poll state after `consecutiveFailures` failed polls (one unless told), the last an HTTP 503. */
export function makeFailingSourceState(
  overrides: Partial<SourceState> & Pick<SourceState, 'sourceId' | 'url'>,
): SourceState {
  return makeSourceState({
    lastPolledAt: NOW,
    lastStatus: 'failed',
    httpStatus: 503,
    consecutiveFailures: 1,
    lastError: `HTTP 503 from ${overrides.url}`,
    ...overrides,
  });
}

/** A source's poll state before its first poll. */
export function makeSourceState(
  overrides: Partial<SourceState> & Pick<SourceState, 'sourceId'>,
): SourceState {
  return {
    url: `https://example.org/${overrides.sourceId}`,
    lastPolledAt: null,
    lastStatus: null,
    httpStatus: null,
    consecutiveFailures: 0,
    lastError: null,
    etag: null,
    lastModified: null,
    bodyHash: null,
    firstPolledAt: null,
    ...overrides,
  };
}

/** Titles and queries of the topics tests name most; any other id gets itself as both. */
const KNOWN_TOPICS: Record<string, { title: string; query: string }> = {
  'localism-act': { title: 'Localism Act 2011', query: '"localism act"' },
  'charity-law': { title: 'Charity law', query: 'charity' },
  charity: { title: 'Charity law', query: 'charity' },
  procurement: { title: 'Procurement', query: 'procurement' },
  pb: { title: 'PB', query: '"participatory budgeting"' },
  localism: { title: 'Localism', query: 'localism' },
  housing: { title: 'Housing', query: 'housing OR homelessness' },
  planning: { title: 'Planning', query: 'planning' },
};

/** A config file `topics[]` entry. */
export function topicEntry(id: string, overrides: { title?: string; query?: string } = {}) {
  return { id, ...(KNOWN_TOPICS[id] ?? { title: id, query: id }), ...overrides };
}

/** A config file `sources[]` entry: legislation.gov.uk's new-legislation feed unless told. */
export function sourceEntry(overrides: Record<string, unknown> = {}) {
  return { id: 'leg', kind: 'feed', url: 'https://www.legislation.gov.uk/new/data.feed', ...overrides };
}

/** A config file `sources[]` feed entry served by a local fixture server: private network allowed, backfill all. */
export function servedFeedEntry(id: string, url: string, overrides: Record<string, unknown> = {}) {
  return sourceEntry({ id, url, allowPrivateNetwork: true, backfill: 'all', ...overrides });
}

/** A config file `sources[]` entry for a page region (`main` of https://example.org/news unless told). */
export function pageSourceEntry(overrides: Record<string, unknown> = {}) {
  return sourceEntry({
    id: 'region',
    kind: 'page',
    url: 'https://example.org/news',
    select: 'main',
    ...overrides,
  });
}

/** A parsed `sources[]` entry (the `leg` feed unless told). */
export function makeSource(overrides: Record<string, unknown> = {}): SourceConfig {
  return SourceSchema.parse(sourceEntry(overrides));
}

/** A config file `factsheets[]` entry: local strategic partnerships, on the Localism Act. */
export function factsheetEntry(overrides: Record<string, unknown> = {}) {
  return {
    id: 'lsp',
    title: 'Local strategic partnerships',
    url: 'https://example.org/factsheets/lsp',
    topics: ['localism-act'],
    reviewedAt: '2026-01-15',
    ...overrides,
  };
}

/**
 * A validated config: Test Org, the `leg` feed, the `localism-act` and `charity-law` topics,
 * digests from alerts@example.org; top-level keys of `overrides` replace these.
 */
export function makeConfig(overrides: Record<string, unknown> = {}): Config {
  return configFrom({
    organisation: { name: 'Test Org', contact: 'policy@example.org' },
    sources: [sourceEntry()],
    topics: [topicEntry('localism-act'), topicEntry('charity-law')],
    digests: { from: 'alerts@example.org' },
    ...overrides,
  });
}
