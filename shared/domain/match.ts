/**
 * @module Topic matching (docs/contract.md §2): topics are compiled once per poll cycle, each item is
 * indexed once (stems, positions, legislation ids) and every topic is evaluated against that
 * index. Pure.
 */
import type { TopicConfig } from '../config/schema.ts';
import { parseQuery, type QueryNode, type QueryTerm } from './query.ts';
import { TextIndex } from './text.ts';
import type { LineDiff, ParsedItem, TopicMatch } from './types.ts';

export interface MatchInput {
  sourceId: string;
  item: ParsedItem;
  /**
   * The change of a page region (a `page` source without `items`): then only the item's title
   * (the source title) and the lines the change **added** are searched; unchanged and removed
   * lines are not. On a first alert every line is added.
   */
  diff?: LineDiff;
}

export interface TopicMatcher {
  /** Every topic the item matches, in config order, with the positive terms found. */
  match(input: MatchInput): TopicMatch[];
}

/** What the terms are tested against: built once per item, shared by every topic. */
export interface ItemIndex {
  sourceId: string;
  all: TextIndex;
  title: TextIndex;
  /** `type/year/number` of every legislation.gov.uk URI the item carries. */
  legislation: Set<string>;
}

const LEGISLATION_HOST = /(^|\.)legislation(\.data)?\.gov\.uk$/i;
const BARE_ID = /^([a-z]+)\/(\d{4})\/(\d+)(?:\/|$)/i;

/**
 * The `type/year/number` a legislation.gov.uk URI (any host, http or https, with or without
 * `/id/`) or a bare id such as `ukpga/2011/20` points at; null for anything else. The first
 * three path segments must be exactly those, so `ukpga/2011/20` never reads as `ukpga/2011/2`.
 */
export function legislationId(uri: string): string | null {
  let path = uri.trim();
  if (/^https?:\/\//i.test(path)) {
    let url: URL;
    try {
      url = new URL(path);
    } catch {
      return null;
    }
    if (!LEGISLATION_HOST.test(url.hostname)) return null;
    path = url.pathname.replace(/^\/(id\/)?/i, '');
  }
  const match = BARE_ID.exec(path);
  return match ? `${match[1]!.toLowerCase()}/${match[2]}/${Number(match[3])}` : null;
}

function* searchableTexts({ item, diff }: MatchInput): Generator<string> {
  yield item.title;
  if (diff) {
    // A region matches what its change added (docs/contract.md, Page regions).
    yield* diff.added;
    return;
  }
  yield item.summary;
  // Page content is lines: a phrase must not run from one line into the next.
  yield* item.content.split('\n');
  const effect = item.effect;
  if (effect) {
    if (effect.affected?.title) yield effect.affected.title;
    if (effect.affecting?.title) yield effect.affecting.title;
    if (effect.effect) yield effect.effect;
    if (effect.provisions.affected) yield effect.provisions.affected;
    if (effect.provisions.affecting) yield effect.provisions.affecting;
  }
  if (item.meta?.stage) yield item.meta.stage;
}

/** Indexes one item for matching; reuse the result across every topic. */
export function indexItem(input: MatchInput): ItemIndex {
  const { item } = input;
  const uris = [item.key, item.url, ...item.links];
  for (const ref of [item.effect?.affected, item.effect?.affecting]) {
    if (!ref) continue;
    uris.push(ref.id);
    if (ref.uri) uris.push(ref.uri);
  }
  const legislation = new Set<string>();
  for (const uri of uris) {
    const id = legislationId(uri);
    if (id) legislation.add(id);
  }
  return {
    sourceId: input.sourceId,
    all: new TextIndex(searchableTexts(input)),
    title: new TextIndex([item.title]),
    legislation,
  };
}

function termMatches(term: QueryTerm, doc: ItemIndex): boolean {
  switch (term.kind) {
    case 'source':
      return doc.sourceId === term.id;
    case 'legislation':
      return doc.legislation.has(term.id);
    case 'text':
      return (term.field === 'title' ? doc.title : doc.all).hasPhrase(term.stems);
  }
}

function evaluate(node: QueryNode, doc: ItemIndex): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => evaluate(child, doc));
    case 'or':
      return node.children.some((child) => evaluate(child, doc));
    case 'not':
      return !evaluate(node.child, doc);
    default:
      return termMatches(node, doc);
  }
}

/**
 * The terms that explain a match: every matching term of every satisfied branch (an `OR` lists
 * each branch that holds, an `AND` all of its parts, a satisfied `NOT` nothing); null when the
 * node does not hold. Terms of branches that failed are never reported as reasons.
 */
function explain(node: QueryNode, doc: ItemIndex): QueryTerm[] | null {
  switch (node.kind) {
    case 'and': {
      const parts: QueryTerm[] = [];
      for (const child of node.children) {
        const found = explain(child, doc);
        if (!found) return null;
        parts.push(...found);
      }
      return parts;
    }
    case 'or': {
      const parts = node.children.map((child) => explain(child, doc)).filter((found) => found !== null);
      return parts.length > 0 ? parts.flat() : null;
    }
    case 'not':
      return evaluate(node.child, doc) ? null : [];
    default:
      return termMatches(node, doc) ? [node] : null;
  }
}

interface CompiledQuery {
  root: QueryNode;
}

function compile(query: string | QueryNode): CompiledQuery {
  return { root: typeof query === 'string' ? parseQuery(query) : query };
}

/**
 * The terms that explain the match (labels as written, e.g. `localism act`,
 * `legislation:ukpga/2011/20`), or null when the query does not match. A `source:` term is
 * listed only when nothing else explains the match.
 */
function run(query: CompiledQuery, doc: ItemIndex): string[] | null {
  const found = explain(query.root, doc);
  if (!found) return null;
  const specific = found.filter((term) => term.kind !== 'source');
  const terms = (specific.length > 0 ? specific : found).map((term) => term.label);
  return [...new Set(terms)];
}

/** Compiles the topics' queries once (they were validated with the config). */
export function compileTopics(topics: readonly Pick<TopicConfig, 'id' | 'query'>[]): TopicMatcher {
  const compiled = topics.map((topic) => ({ id: topic.id, query: compile(topic.query) }));
  return {
    match(input) {
      const doc = indexItem(input);
      const matches: TopicMatch[] = [];
      for (const topic of compiled) {
        const terms = run(topic.query, doc);
        if (terms) matches.push({ topic: topic.id, terms });
      }
      return matches;
    },
  };
}

/** One query against one item: the matched terms, or null. For tests and `check`-style tools. */
export function matchQuery(query: string | QueryNode, input: MatchInput): string[] | null {
  return run(compile(query), indexItem(input));
}
