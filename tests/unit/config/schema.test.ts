import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig, parseConfigText } from '#shared/config/schema.ts';
import { pageSourceEntry, sourceEntry } from '../../support/builders.ts';

type Doc = Record<string, unknown> & {
  sources: Record<string, unknown>[];
  topics: Record<string, unknown>[];
  factsheets: Record<string, unknown>[];
  digests: Record<string, unknown>;
};

function valid(): Doc {
  return {
    organisation: { name: 'Example', contact: 'policy@example.org' },
    sources: [
      sourceEntry(),
      pageSourceEntry({ id: 'lga-news', url: 'https://www.local.gov.uk/about/news', every: '1d' }),
    ],
    topics: [
      {
        id: 'localism-act',
        title: 'Localism Act 2011',
        query: '"localism act" OR legislation:ukpga/2011/20',
      },
      { id: 'councillors', title: 'Councillors', query: 'title:councillor OR (source:lga-news councillors)' },
    ],
    factsheets: [{ id: 'lsp', title: 'LSPs', topics: ['localism-act'], reviewedAt: '2012-01-15' }],
    digests: { from: 'alerts@example.org' },
  };
}

function errorsOf(doc: unknown): ConfigError[] {
  const result = parseConfig(doc);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

const cases: Array<[string, (doc: Doc) => void, ConfigError]> = [
  [
    'unknown kind',
    (doc) => {
      doc.sources[1]!.kind = 'rss';
    },
    { path: 'sources[1].kind', message: 'unknown kind "rss" (expected feed, govuk-search or page)' },
  ],
  [
    'bad URL',
    (doc) => {
      doc.sources[1]!.url = 'local.gov.uk/news';
    },
    { path: 'sources[1].url', message: 'must be an absolute http(s) URL' },
  ],
  [
    'not http(s)',
    (doc) => {
      doc.sources[0]!.url = 'ftp://example.org/feed';
    },
    { path: 'sources[0].url', message: 'must be an absolute http(s) URL' },
  ],
  [
    'bad duration',
    (doc) => {
      doc.sources[0]!.every = 'hourly';
    },
    { path: 'sources[0].every', message: 'must be a duration like 15m, 1h, 30d or 2w' },
  ],
  [
    'every under 5m',
    (doc) => {
      doc.sources[0]!.every = '4m';
    },
    { path: 'sources[0].every', message: 'must be at least 5m' },
  ],
  [
    'bad backfill',
    (doc) => {
      doc.sources[0]!.backfill = 'some';
    },
    { path: 'sources[0].backfill', message: expect.any(String) as unknown as string },
  ],
  [
    'bad cron',
    (doc) => {
      doc.digests.daily = '0 7 * *';
    },
    {
      path: 'digests.daily',
      message: 'must be a 5-field cron expression (minute hour day-of-month month day-of-week)',
    },
  ],
  [
    'cron out of range',
    (doc) => {
      doc.digests.weekly = '0 25 * * 1';
    },
    {
      path: 'digests.weekly',
      message: 'must be a 5-field cron expression (minute hour day-of-month month day-of-week)',
    },
  ],
  [
    'bad time zone',
    (doc) => {
      doc.digests.timezone = 'Europe/Londres';
    },
    { path: 'digests.timezone', message: 'must be an IANA time zone such as Europe/London' },
  ],
  [
    'bad id',
    (doc) => {
      doc.topics[1]!.id = 'Councillors';
    },
    { path: 'topics[1].id', message: 'must match [a-z0-9-]+ (lower-case letters, digits and hyphens)' },
  ],
  [
    'duplicate source id',
    (doc) => {
      doc.sources[0]!.id = 'lga-news';
    },
    { path: 'sources[1].id', message: 'duplicate id "lga-news" (also sources[0])' },
  ],
  [
    'duplicate topic id',
    (doc) => {
      doc.topics[1]!.id = 'localism-act';
    },
    { path: 'topics[1].id', message: 'duplicate id "localism-act" (also topics[0])' },
  ],
  [
    'unknown factsheet topic',
    (doc) => {
      doc.factsheets[0]!.topics = ['localism-act', 'lsp-review'];
    },
    { path: 'factsheets[0].topics[1]', message: 'unknown topic "lsp-review"' },
  ],
  [
    'unknown source: id, with its column',
    (doc) => {
      doc.topics[1]!.query = 'title:councillor OR (source:lga councillors)';
    },
    { path: 'topics[1].query', column: 22, message: 'unknown source "lga" in topic "councillors"' },
  ],
  [
    'query syntax error, with its column',
    (doc) => {
      doc.topics[0]!.query = '"localism act" OR';
    },
    {
      path: 'topics[0].query',
      column: 18,
      message: 'topic "localism-act": expected a term after "OR" at column 18',
    },
  ],
  [
    'unclosed quote',
    (doc) => {
      doc.topics[0]!.query = 'x "localism act';
    },
    {
      path: 'topics[0].query',
      column: 3,
      message: 'topic "localism-act": unclosed quote opened at column 3',
    },
  ],
  [
    'unknown field',
    (doc) => {
      doc.topics[0]!.query = 'titel:localism';
    },
    {
      path: 'topics[0].query',
      column: 1,
      message:
        'topic "localism-act": unknown field "titel:" at column 1 (expected title:, source: or legislation:)',
    },
  ],
  [
    'unknown property',
    (doc) => {
      doc.sources[0]!.interval = '1h';
    },
    { path: 'sources[0]', message: expect.stringContaining('interval') as unknown as string },
  ],
  [
    'bad reviewedAt',
    (doc) => {
      doc.factsheets[0]!.reviewedAt = '15/01/2012';
    },
    { path: 'factsheets[0].reviewedAt', message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' },
  ],
];

describe('parseConfig', () => {
  it('accepts a valid document and fills defaults', () => {
    const result = parseConfig(valid());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.sources[0]).toMatchObject({
      every: '1h',
      backfill: '30d',
      maxPages: 10,
      allowPrivateNetwork: false,
    });
    expect(result.config.digests).toMatchObject({
      timezone: 'Europe/London',
      daily: '0 7 * * *',
      weekly: '0 7 * * 1',
    });
  });

  it.each(cases)('%s', (_name, mutate, expected) => {
    const doc = valid();
    mutate(doc);
    expect(errorsOf(doc)).toEqual([expected]);
  });

  it('reports every error together, schema and cross-field alike', () => {
    const doc = valid();
    doc.sources[1]!.url = 'nope';
    doc.sources[0]!.every = '1m';
    doc.digests.timezone = 'Mars/Olympus';
    doc.topics[0]!.query = 'NOT localism';
    doc.topics[1]!.query = 'source:nowhere councillors';
    doc.factsheets[0]!.topics = ['missing'];
    const errors = errorsOf(doc);
    expect(errors.map((error) => [error.path, error.column ?? null])).toEqual([
      ['sources[0].every', null],
      ['sources[1].url', null],
      ['digests.timezone', null],
      ['topics[0].query', 1],
      ['topics[1].query', 1],
      ['factsheets[0].topics[0]', null],
    ]);
  });

  it('reports bad JSON with where it broke', () => {
    const result = parseConfigText('{"sources": [}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.path).toBe('');
    expect(result.errors[0]!.message).toMatch(/^not valid JSON: /);
  });
});

describe('the shipped config/watch.json', () => {
  const text = readFileSync(new URL('../../../config/watch.json', import.meta.url), 'utf8');
  const result = parseConfigText(text);

  it('is valid', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('has the fixed topic and factsheet ids and points at its schema', () => {
    if (!result.ok) return;
    expect(JSON.parse(text).$schema).toBe('./watch.schema.json');
    expect(result.config.topics.map((topic) => topic.id)).toEqual([
      'localism-act',
      'lsp-review',
      'privatisation',
      'participatory-budgeting',
      'working-with-councillors',
    ]);
    expect(result.config.factsheets.map((sheet) => sheet.id).sort()).toEqual(
      [
        'localism-how-to',
        'localism-bill-briefing',
        'privatisation-briefing',
        'lsp',
        'participatory-budgeting',
        'working-with-councillors',
      ].sort(),
    );
    const howTo = result.config.factsheets.find((sheet) => sheet.id === 'localism-how-to');
    expect(howTo?.title).toBe('How to engage with the localism agenda');
    expect(result.config.digests).toMatchObject({
      timezone: 'Europe/London',
      daily: '0 7 * * *',
      weekly: '0 7 * * 1',
    });
  });

  it('uses real https URLs and sensible polling intervals per kind of source', () => {
    if (!result.ok) return;
    const kinds = new Set(result.config.sources.map((source) => source.kind));
    expect(kinds).toEqual(new Set(['feed', 'govuk-search', 'page']));
    for (const source of result.config.sources) {
      expect(source.url.startsWith('https://')).toBe(true);
      expect(source.title).toBeTruthy();
      expect(source.allowPrivateNetwork).toBe(false);
      if (source.kind === 'page') expect(source.every).toBe('1d');
      if (source.url.includes('legislation.gov.uk') || source.url.includes('www.gov.uk')) {
        expect(source.every).toBe('1h');
      }
    }
    expect(result.config.sources.filter((source) => source.kind === 'page').length).toBeGreaterThanOrEqual(2);
  });
});
