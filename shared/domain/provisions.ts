/**
 * @module Legislation provisions as paths, the way legislation.gov.uk writes them after
 * `TYPE/YEAR/NUMBER`: `section/81/5/a`, `schedule/2/paragraph/3`, `part/5/chapter/3`,
 * `regulation/4`, `article/2` (lower case). Reads the provision strings of `ukm:Effect`
 * (`AffectedProvisions`: "s. 81(5)(a)", "ss. 81-86", "Sch. 2 paras. 1-3", "Pt. 5 heading",
 * "s. 114 and cross-heading", "Sch. 2 para. 23(2)(3)") and decides containment. Pure.
 */

/** A citation ref: `TYPE/YEAR/NUMBER` then an optional provision path. */
export interface CitationRef {
  /** `ukpga/2011/20` */
  act: string;
  /** `section/81`, `part/5/chapter/3`, or '' for the whole Act. */
  path: string;
}

const NUM = '[0-9]+[a-z]*';
const CITE_PATH = new RegExp(
  `^(?:section/${NUM}|part/${NUM}(?:/chapter/${NUM})?|schedule/${NUM}(?:/paragraph/${NUM})?|regulation/${NUM}|article/${NUM})$`,
);
const ACT = /^([a-z]{2,8})\/([0-9]{4})\/([0-9]+)$/;

/** Parses a configured citation (`ukpga/2011/20/section/81`), lower-cased; null when malformed. */
export function parseCitationRef(text: string): CitationRef | null {
  const parts = text
    .trim()
    .toLowerCase()
    .replace(/^\/+|\/+$/g, '')
    .split('/');
  const act = parts.slice(0, 3).join('/');
  if (!ACT.test(act)) return null;
  const path = parts.slice(3).join('/');
  if (path !== '' && !CITE_PATH.test(path)) return null;
  return { act, path };
}

/** Page citations may be more precise than configured ones: `section/81/5` from "s. 81(5)". */
const PAGE_PATH = new RegExp(
  `^(?:(?:section|regulation|article)/${NUM}(?:/[0-9a-z]+){0,3}|part/${NUM}(?:/chapter/${NUM})?|schedule/${NUM}(?:/(?:paragraph|part)/${NUM}(?:/[0-9a-z]+){0,3})?)$`,
);

/** A provision path found in a link or a written citation, or null when it is none of ours. */
export function pagePath(path: string): string | null {
  const clean = path.toLowerCase().replace(/^\/+|\/+$/g, '');
  return PAGE_PATH.test(clean) ? clean : null;
}

export function refText(ref: CitationRef): string {
  return ref.path === '' ? ref.act : `${ref.act}/${ref.path}`;
}

export function splitRef(ref: string): CitationRef {
  const parts = ref.split('/');
  return { act: parts.slice(0, 3).join('/'), path: parts.slice(3).join('/') };
}

// ------------------------------------------------------------------ effect provision strings

const MAX_RANGE = 500;
type Kind = 'section' | 'schedule' | 'part' | 'chapter' | 'paragraph' | 'regulation' | 'article';
const KEYWORDS: Record<string, Kind> = {
  's.': 'section',
  'ss.': 'section',
  section: 'section',
  sections: 'section',
  'sch.': 'schedule',
  'schs.': 'schedule',
  schedule: 'schedule',
  'pt.': 'part',
  'pts.': 'part',
  part: 'part',
  'ch.': 'chapter',
  chapter: 'chapter',
  'para.': 'paragraph',
  'paras.': 'paragraph',
  paragraph: 'paragraph',
  'reg.': 'regulation',
  'regs.': 'regulation',
  regulation: 'regulation',
  'art.': 'article',
  'arts.': 'article',
  article: 'article',
};
const TOKEN = /([a-z]+\.?)|([0-9]+[a-z]*((?:\([0-9a-z]+\))*))|(\((?:[0-9a-z]+)\)(?:\([0-9a-z]+\))*)|([-–])/gi;

/** `(5)(a)` → [['5','a']]; `(2)(3)` → [['2'],['3']]: a level of the same kind is a sibling. */
export function subdivisions(text: string): string[][] {
  const parts = [...text.matchAll(/\(([0-9a-z]+)\)/gi)].map((m) => m[1]!.toLowerCase());
  if (parts.length === 0) return [[]];
  const kind = (value: string, previous: string | undefined) => {
    if (/^[0-9]+[a-z]*$/.test(value)) return 'number';
    if (/^[ivxl]+$/.test(value) && previous !== undefined && /^[a-z]+$/.test(previous)) {
      // (h)(i) is a list of letters; (a)(i) is a roman sub-paragraph of (a).
      const next = String.fromCharCode(previous.charCodeAt(previous.length - 1) + 1);
      if (!(previous.length === 1 && value === next)) return 'roman';
    }
    return 'letter';
  };
  const out: string[][] = [];
  let current: string[] = [];
  let currentKinds: string[] = [];
  parts.forEach((value, index) => {
    const k = kind(value, parts[index - 1]);
    const level = currentKinds.indexOf(k);
    if (level === -1) {
      current.push(value);
      currentKinds.push(k);
    } else {
      out.push(current);
      current = [...current.slice(0, level), value];
      currentKinds = currentKinds.slice(0, level + 1);
    }
  });
  out.push(current);
  return out;
}

function numberRange(from: string, to: string): string[] | null {
  if (!/^[0-9]+$/.test(from) || !/^[0-9]+$/.test(to)) return null;
  const a = Number(from);
  const b = Number(to);
  if (b < a || b - a > MAX_RANGE) return null;
  return Array.from({ length: b - a + 1 }, (_, index) => String(a + index));
}

/**
 * The provision paths an `AffectedProvisions` string names, ranges expanded. Words such as
 * "heading", "cross-heading" or "words" are ignored; an unreadable string gives [].
 */
export function effectProvisionPaths(text: string | null): string[] {
  if (!text) return [];
  const out: string[] = [];
  let kind: Kind | null = null;
  let schedule: string | null = null;
  let part: string | null = null;
  let lastNumber: { base: string[]; head: string; emitted: number } | null = null;
  let pendingRange = false;
  const base = (): string[] => {
    if (kind === 'paragraph' && schedule !== null) return ['schedule', schedule, 'paragraph'];
    if (kind === 'part' && schedule !== null) return ['schedule', schedule, 'part'];
    if (kind === 'chapter' && part !== null) return ['part', part, 'chapter'];
    return kind ? [kind] : [];
  };
  const emit = (head: string, subs: string) => {
    const prefix = [...base(), head.toLowerCase()];
    const start = out.length;
    for (const sub of subdivisions(subs)) out.push([...prefix, ...sub].join('/'));
    lastNumber = { base: base(), head: head.toLowerCase(), emitted: out.length - start };
  };
  for (const match of text.matchAll(TOKEN)) {
    const [, word, number, subs = '', parens, dash] = match;
    if (word !== undefined) {
      const next = KEYWORDS[word.toLowerCase()];
      if (next === undefined) continue; // "heading", "and", "words"…
      // A sub-level replaces the bare container just named: "Pt. 5 Ch. 3", "Sch. 2 para. 3".
      const container = lastNumber as { base: string[]; head: string; emitted: number } | null;
      if (next === 'chapter' && kind === 'part' && container) out.splice(out.length - container.emitted);
      if ((next === 'paragraph' || next === 'part') && kind === 'schedule' && container)
        out.splice(out.length - container.emitted);
      if (next === 'section' || next === 'schedule' || next === 'regulation' || next === 'article') {
        schedule = null;
        part = null;
      }
      if (next === 'part' && kind !== 'schedule') schedule = null;
      kind = next;
      lastNumber = null;
      pendingRange = false;
      continue;
    }
    if (dash !== undefined) {
      pendingRange = lastNumber !== null;
      continue;
    }
    if (number !== undefined && kind !== null) {
      const head = number.slice(0, number.length - subs.length);
      const previous = lastNumber as { base: string[]; head: string; emitted: number } | null;
      if (pendingRange && previous) {
        const range = numberRange(previous.head, head.toLowerCase());
        if (range) {
          for (const value of range.slice(1)) out.push([...previous.base, value].join('/'));
          lastNumber = { ...previous, head: head.toLowerCase() };
          pendingRange = false;
          continue;
        }
      }
      pendingRange = false;
      emit(head, subs);
      if (kind === 'schedule') schedule = head.toLowerCase();
      if (kind === 'part') part = head.toLowerCase();
      continue;
    }
    if (parens !== undefined && pendingRange && lastNumber) {
      // "s. 81(1)-(3)": a range of subdivisions of the provision just named.
      const previous = lastNumber as { base: string[]; head: string; emitted: number };
      const last = out[out.length - 1]?.split('/') ?? [];
      const from = last[last.length - 1] ?? '';
      const to = /\(([0-9a-z]+)\)/i.exec(parens)?.[1]?.toLowerCase() ?? '';
      const range = numberRange(from, to);
      if (range) for (const value of range.slice(1)) out.push([...last.slice(0, -1), value].join('/'));
      lastNumber = previous;
      pendingRange = false;
    }
  }
  return [...new Set(out)];
}

// ------------------------------------------------------------------ containment

/**
 * Where sections and regulations sit: `section/81` → [`part/5`, `part/5/chapter/3`], read from
 * the Act's contents on legislation.gov.uk.
 */
export type ContentsMap = ReadonlyMap<string, readonly string[]>;

/** The top-level provision of a path: `section/81/5/a` → `section/81`. */
function topLevel(path: string): string {
  return path.split('/').slice(0, 2).join('/');
}

/**
 * Whether an affected provision lies within a citation's path: the same provision or a
 * subdivision; a section or regulation within the part or chapter that contains it (only when
 * the contents are known); anything within a whole-Act citation ('').
 */
export function provisionWithin(provision: string, citation: string, contents: ContentsMap | null): boolean {
  if (citation === '') return true;
  if (provision === citation || provision.startsWith(`${citation}/`)) return true;
  if (!/^part\//.test(citation) || contents === null) return false;
  const containers = contents.get(topLevel(provision));
  return containers?.includes(citation) ?? false;
}
