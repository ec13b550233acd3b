/**
 * @module The config rules that span fields (docs/contract.md §2): unique ids, factsheet topics that exist,
 * topic queries that parse and name known sources. They read a loose view of the document so
 * they run even when the schema rejected other parts: every error is reported at once.
 */
import { parseQuery, QuerySyntaxError, querySourceIds, queryWarnings } from '../domain/query.ts';

/** One problem with the config file, where it is and what is wrong. */
export interface ConfigError {
  /** JSON path such as `sources[1].url`; empty for the document itself. */
  path: string;
  /** 1-based column inside a topic query. */
  column?: number;
  message: string;
}

/** The parts of a possibly invalid document the cross-field rules read (null where unusable). */
export interface LooseView {
  sources: { id: string | null }[];
  topics: { id: string | null; query: string | null }[];
  factsheets: { id: string | null; topics: (string | null)[] }[];
}

export function looseView(raw: unknown): LooseView {
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const root = record(raw);
  return {
    sources: list(root.sources).map((source) => ({ id: text(record(source).id) })),
    topics: list(root.topics).map((topic) => ({
      id: text(record(topic).id),
      query: text(record(topic).query),
    })),
    factsheets: list(root.factsheets).map((sheet) => ({
      id: text(record(sheet).id),
      topics: list(record(sheet).topics).map(text),
    })),
  };
}

export function crossFieldErrors(config: LooseView): ConfigError[] {
  const errors: ConfigError[] = [];
  const duplicates = (kind: 'sources' | 'topics' | 'factsheets', ids: (string | null)[]) => {
    const seen = new Map<string, number>();
    ids.forEach((value, index) => {
      if (value === null) return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else
        errors.push({
          path: `${kind}[${index}].id`,
          message: `duplicate id "${value}" (also ${kind}[${first}])`,
        });
    });
  };
  duplicates(
    'sources',
    config.sources.map((source) => source.id),
  );
  duplicates(
    'topics',
    config.topics.map((topic) => topic.id),
  );
  duplicates(
    'factsheets',
    config.factsheets.map((sheet) => sheet.id),
  );

  const sourceIds = new Set(config.sources.map((source) => source.id));
  const topicIds = new Set(config.topics.map((topic) => topic.id));
  config.topics.forEach((topic, index) => {
    const path = `topics[${index}].query`;
    if (topic.query === null) return;
    try {
      const query = parseQuery(topic.query);
      for (const ref of querySourceIds(query)) {
        if (!sourceIds.has(ref.id)) {
          errors.push({
            path,
            column: ref.column,
            message: `unknown source "${ref.id}" in topic "${topic.id ?? index}"`,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      errors.push({ path, column: error.column, message: `topic "${topic.id ?? index}": ${error.message}` });
    }
  });
  config.factsheets.forEach((sheet, index) => {
    sheet.topics.forEach((topic, topicIndex) => {
      if (topic !== null && !topicIds.has(topic)) {
        errors.push({
          path: `factsheets[${index}].topics[${topicIndex}]`,
          message: `unknown topic "${topic}"`,
        });
      }
    });
  });
  return errors;
}

/**
 * Warnings that do not make the config invalid (`check` reports them and still exits 0): query
 * terms that parse but probably do not mean what was intended. Queries that do not parse are
 * errors and are skipped here.
 */
export function configWarnings(config: { topics: readonly { id: string; query: string }[] }): ConfigError[] {
  return config.topics.flatMap((topic, index) => {
    try {
      return queryWarnings(topic.query).map((warning) => ({
        path: `topics[${index}].query`,
        column: warning.column,
        message: `topic "${topic.id}": ${warning.message}`,
      }));
    } catch (error) {
      if (error instanceof QuerySyntaxError) return [];
      throw error;
    }
  });
}
