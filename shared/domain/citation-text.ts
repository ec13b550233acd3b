/**
 * @module Citations read from a factsheet's own text: links to legislation.gov.uk (any host
 * form, with or without `/id/`) and written citations ("section 81 of the Localism Act 2011",
 * "s. 81(5)", "ss. 81-86", "Part 5, Chapter 3", "Schedule 2 paragraph 3"). A bare provision
 * belongs to the nearest Act named before it, else it is ignored; naming an Act alone is not a
 * citation. Act names resolve to ids through titles (legislation.gov.uk data and the document's
 * own links). Pure.
 */
import { pagePath } from './provisions.ts';
import { collapse } from './text.ts';

export interface DocumentText {
  /** Visible text, blocks separated by newlines. */
  text: string;
  /** Every link with its visible text (none for a PDF). */
  links: readonly { href: string; text: string }[];
}

export interface FoundCitation {
  /** `ukpga/2011/20/section/81`, lower case. */
  ref: string;
  /** The written citation or link as found. */
  text: string;
}

/** Titles to ids: keys normalised with `normaliseTitle`. */
export type TitleIndex = ReadonlyMap<string, string>;

const MAX_CITATIONS = 500;
const MAX_RANGE = 200;

/** "The Localism Act 2011" → "localism act 2011" (case, leading "the", quotes, spaces). */
export function normaliseTitle(title: string): string {
  return title.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim().replace(/^the /, '');
}

const CONNECTORS = new Set(['and', 'of', 'in', 'for', 'the', 'on', 'to', '&']);
const NAME_END = /\b(Act|Regulations|Order|Rules|Measure)\s+(\d{4})\b/g;

interface ActMention {
  at: number;
  end: number;
  id: string | null;
}

function nameCandidates(before: string, tail: string): string[] {
  const words = before.split(/\s+/).filter(Boolean);
  const taken: string[] = [];
  let inGroup = false;
  for (let index = words.length - 1; index >= 0 && taken.length < 16; index--) {
    const word = words[index]!;
    // A parenthesised part of a title, "(No. 2)", "(Members' Allowances)", is taken whole.
    if (inGroup || (word.endsWith(')') && index < words.length)) {
      if (!inGroup && !word.startsWith('(')) inGroup = true;
      else if (inGroup && word.startsWith('(')) inGroup = false;
      if (!inGroup || taken.length < 16) taken.unshift(word);
      continue;
    }
    if (/[,;:.]$/.test(word)) break;
    if (/^[A-Z]/.test(word) || CONNECTORS.has(word)) taken.unshift(word);
    else break;
  }
  if (inGroup) return [];
  const out: string[] = [];
  for (let start = 0; start < taken.length; start++) {
    if (!/^\(?[A-Z]/.test(taken[start]!)) continue;
    out.push(`${taken.slice(start).join(' ')} ${tail}`);
  }
  return out;
}

function yearGuess(links: readonly string[], kind: string, year: string): string | null {
  const primary = kind === 'Act' || kind === 'Measure';
  const ids = new Set(
    links.filter((id) => {
      const [type = '', linkYear] = id.split('/');
      return linkYear === year && (primary ? /pga|^asp|^anaw|^asc|^nia/.test(type) : /si$|^nisr/.test(type));
    }),
  );
  return ids.size === 1 ? [...ids][0]! : null;
}

function actMentions(text: string, titles: TitleIndex, linkedActs: readonly string[]): ActMention[] {
  const mentions: ActMention[] = [];
  for (const match of text.matchAll(NAME_END)) {
    const at = match.index;
    const candidates = nameCandidates(text.slice(Math.max(0, at - 200), at), match[0]);
    if (candidates.length === 0) continue;
    let id: string | null = null;
    for (const candidate of candidates) {
      id = titles.get(normaliseTitle(candidate)) ?? null;
      if (id) break;
    }
    id ??= yearGuess(linkedActs, match[1]!, match[2]!);
    const before = text.slice(Math.max(0, at - 200), at);
    const words = candidates[0]!.slice(0, -match[0].length).trim().split(' ');
    const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
    const found = new RegExp(`${escaped}\\s+$`).exec(before);
    const start = found ? at - before.length + found.index : at;
    mentions.push({ at: start, end: at + match[0].length, id });
  }
  // "that Act", "this Act", "the Act" refer back to the nearest Act already named.
  return mentions;
}

const N = '[0-9]+[A-Z]{0,3}';
const SUB = '(?:\\([0-9a-z]{1,4}\\))*';
const DASH = '\\s*(?:-|–|to)\\s*';
const PROVISION = new RegExp(
  [
    `\\b(?<sec>sections?|ss?\\.)\\s*(?<secN>${N}${SUB})(?:${DASH}(?<secTo>${N}))?`,
    `\\b(?<ch2>Chapter)\\s+(?<ch2N>${N})\\s+of\\s+Part\\s+(?<ch2P>${N})`,
    `\\b(?<part>Part)\\s+(?<partN>${N})(?:,?\\s*(?:Chapter|Ch\\.)\\s*(?<partCh>${N}))?`,
    `\\b(?<para2>paragraphs?|paras?\\.)\\s*(?<para2N>${N}${SUB})(?:${DASH}(?<para2To>${N}))?\\s+of\\s+(?:Schedule|Sch\\.)\\s*(?<para2S>${N})`,
    `\\b(?<sch>Schedule|Sch\\.)\\s*(?<schN>${N})(?:,?\\s*(?:paragraphs?|paras?\\.)\\s*(?<schP>${N}${SUB})(?:${DASH}(?<schTo>${N}))?)?`,
    `\\b(?<reg>regulations?|regs?\\.)\\s*(?<regN>${N}${SUB})(?:${DASH}(?<regTo>${N}))?`,
    `\\b(?<art>articles?|arts?\\.)\\s*(?<artN>${N}${SUB})(?:${DASH}(?<artTo>${N}))?`,
  ].join('|'),
  'gi',
);
const OF_ACT = /^\s*(?:of|to)\s+(?:the\s+)?(?:that|this|said)?/i;

/** `81(5)(a)` → `81/5/a`. */
function numberPath(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(([0-9a-z]+)\)/g, '/$1')
    .replace(/\/$/, '');
}

function expand(prefix: string, from: string, to: string | undefined): string[] {
  const first = `${prefix}/${numberPath(from)}`;
  if (to === undefined || !/^[0-9]+$/.test(from) || !/^[0-9]+$/.test(to)) return [first];
  const a = Number(from);
  const b = Number(to);
  if (b < a || b - a > MAX_RANGE) return [first];
  return Array.from({ length: b - a + 1 }, (_, index) => `${prefix}/${a + index}`);
}

function provisionPaths(groups: Record<string, string | undefined>): string[] {
  const g = groups;
  if (g.sec) return expand('section', g.secN!, g.secTo);
  if (g.ch2) return [`part/${g.ch2P}/chapter/${g.ch2N}`.toLowerCase()];
  if (g.part) return [(g.partCh ? `part/${g.partN}/chapter/${g.partCh}` : `part/${g.partN}`).toLowerCase()];
  if (g.para2) return expand(`schedule/${g.para2S!.toLowerCase()}/paragraph`, g.para2N!, g.para2To);
  if (g.sch) {
    const schedule = `schedule/${g.schN!.toLowerCase()}`;
    return g.schP ? expand(`${schedule}/paragraph`, g.schP, g.schTo) : [schedule];
  }
  if (g.reg) return expand('regulation', g.regN!, g.regTo);
  if (g.art) return expand('article', g.artN!, g.artTo);
  return [];
}

const URL_IN_TEXT = /https?:\/\/(?:www\.)?legislation\.(?:data\.)?gov\.uk\/[^\s<>"')\]]+/gi;

// Every host form legislation.gov.uk data uses (ids are http://www…/id/…, older feeds
// legislation.data.gov.uk); shared/sources/parse/legislation.ts reads the same forms for feeds.
const LEGISLATION_HOSTS = new Set([
  'www.legislation.gov.uk',
  'legislation.gov.uk',
  'legislation.data.gov.uk',
]);
const LEGISLATION_PATH = /^\/(?:id\/)?([a-z]{2,8})\/([0-9]{4})\/([0-9]+)(\/.*)?$/i;

/** A legislation.gov.uk link as a citation ref: the Act, plus its provision when it names one. */
export function linkRef(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href.replace(/[.,;]+$/, ''));
  } catch {
    return null;
  }
  if (!LEGISLATION_HOSTS.has(url.hostname.toLowerCase())) return null;
  const match = LEGISLATION_PATH.exec(url.pathname);
  if (!match) return null;
  const act = `${match[1]}/${match[2]}/${match[3]}`.toLowerCase();
  // Drop versions and formats: /contents, /enacted, /made, /2020-01-01, /data.xml…
  const rest = (match[4] ?? '')
    .toLowerCase()
    .replace(/\/(?:contents|enacted|made|data\.[a-z]+|\d{4}-\d{2}-\d{2}|prospective)(?=\/|$)/g, '');
  const path = pagePath(rest);
  return path ? `${act}/${path}` : act;
}

/** Every citation in the document, first occurrence of each ref first. */
export function findCitations(doc: DocumentText, titles: TitleIndex): FoundCitation[] {
  const found = new Map<string, FoundCitation>();
  const add = (ref: string, text: string) => {
    if (!found.has(ref) && found.size < MAX_CITATIONS) found.set(ref, { ref, text: text.trim() });
  };
  const linkIndex = new Map(titles);
  const links = [
    ...doc.links,
    ...[...doc.text.matchAll(URL_IN_TEXT)].map((match) => ({ href: match[0], text: '' })),
  ];
  const linkedActs: string[] = [];
  for (const link of links) {
    const ref = linkRef(link.href);
    if (!ref) continue;
    add(ref, collapse(link.text) || link.href);
    const act = ref.split('/').slice(0, 3).join('/');
    linkedActs.push(act);
    const name = collapse(link.text);
    if (ref === act && NAME_END.test(name)) linkIndex.set(normaliseTitle(name), act);
    NAME_END.lastIndex = 0;
  }
  const text = doc.text;
  const acts = actMentions(text, linkIndex, linkedActs);
  for (const match of text.matchAll(PROVISION)) {
    const groups = match.groups ?? {};
    // "Regulations 2003" is a title, not regulation 2003.
    const keyword = groups.reg ?? groups.art;
    if (keyword && /^[A-Z]/.test(keyword) && /^\d{4}$/.test(groups.regN ?? groups.artN ?? '')) continue;
    const paths = provisionPaths(groups);
    if (paths.length === 0) continue;
    const end = match.index + match[0].length;
    // "section 81 of the Localism Act 2011": the Act named right after wins.
    const after = acts.find(
      (act) => act.at >= end && act.at - end <= 12 && OF_ACT.test(text.slice(end, act.at)),
    );
    const before = [...acts].reverse().find((act) => act.end <= match.index);
    const act = after ?? before;
    if (!act?.id) continue;
    const written = after ? text.slice(match.index, after.end) : match[0];
    for (const path of paths) {
      const clean = pagePath(path);
      if (clean) add(`${act.id}/${clean}`, written.replace(/\s+/g, ' '));
    }
  }
  return [...found.values()];
}
