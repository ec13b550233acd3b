/**
 * @module The one readable "what changed" line of an alert (docs/contract.md §6), per kind of source:
 * a legislation effect, a page diff, a bill's stage, a GOV.UK change note. Pure; every line
 * stays within `MAX_LINE` characters.
 */
import { collapse } from './text.ts';
import type { LegislationEffect, LineDiff } from './types.ts';

export const MAX_LINE = 200;

/** Whitespace collapsed and cut at `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const flat = collapse(text);
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

function inForceText(effect: LegislationEffect): string | null {
  if (effect.inForce.length === 0) return null;
  const dated = effect.inForce.filter((entry) => entry.date !== null);
  if (dated.length === 0) return 'not yet in force';
  const dates = [...new Set(dated.map((entry) => entry.date!.slice(0, 10)))].sort();
  const first = dated[0]!;
  // "wholly in force" is the common case and adds nothing; other qualifications matter.
  const qualification =
    first.qualification && !/^wholly in force$/i.test(first.qualification.trim())
      ? ` (${first.qualification.trim()})`
      : '';
  const shown = dates.length > 2 ? `${dates[0]} and later` : dates.join(' and ');
  return `in force ${shown}${qualification}`;
}

/**
 * `s. 5 words substituted by the Levelling-up and Regeneration Act 2023, Sch. 4; in force 2024-01-01`.
 * The affecting title is shortened first when the line would be too long.
 */
export function describeEffect(effect: LegislationEffect): string {
  const subject = effect.provisions.affected?.trim() || effect.affected?.title?.trim() || 'Legislation';
  const action = effect.effect?.trim() || 'amended';
  const title = effect.affecting?.title?.trim() ?? effect.affecting?.id ?? null;
  const where = effect.provisions.affecting?.trim();
  const force = inForceText(effect);
  const head = `${subject} ${action}`;
  const tail = `${where ? `, ${where}` : ''}${force ? `; ${force}` : ''}`;
  if (!title) return clip(`${head}${tail}`, MAX_LINE);
  const by = /^the\b/i.test(title) ? title : `the ${title}`;
  const room = MAX_LINE - head.length - tail.length - ' by '.length;
  return clip(`${head} by ${clip(by, Math.max(room, 20))}${tail}`, MAX_LINE);
}

function lines(count: number, word: string): string {
  return `${count} ${count === 1 ? 'line' : 'lines'} ${word}`;
}

/** `3 lines added, 1 removed: "first added line…"`. */
export function describePageDiff(diff: LineDiff): string {
  const { added, removed } = diff;
  const counts: string[] = [];
  if (added.length > 0) counts.push(lines(added.length, 'added'));
  if (removed.length > 0)
    counts.push(counts.length > 0 ? `${removed.length} removed` : lines(removed.length, 'removed'));
  if (counts.length === 0) return 'Page changed';
  const head = counts.join(', ');
  // A lone heading word ("News") says little: quote the first line that reads like a headline.
  const telling = (list: readonly string[]) =>
    list.find((line) => line.trim().split(/\s+/).length >= 3) ?? list.find((line) => line.trim() !== '');
  const sample = (telling(added) ?? telling(removed))?.trim();
  if (!sample) return head;
  const room = MAX_LINE - head.length - ': ""'.length;
  return `${head}: "${clip(sample, room)}"`;
}

const HOUSES = new Set(['commons', 'lords']);

/** `Now at Committee stage (Commons)`; `Royal Assent` is phrased as an outcome. */
export function describeBill(stage: string | null | undefined, categories: readonly string[] = []): string {
  const house = categories.find((category) => HOUSES.has(category.trim().toLowerCase()))?.trim();
  const where = house ? ` (${house})` : '';
  const text = stage?.trim();
  if (!text) return clip(`Bill updated${where}`, MAX_LINE);
  if (/royal assent/i.test(text)) return 'Received Royal Assent';
  return clip(`Now at ${text}${where}`, MAX_LINE);
}

// GOV.UK's `content_store_document_type` values read as nouns; the rest fall back to the
// value with underscores as spaces.
const DOCUMENT_TYPES: Record<string, string> = {
  open_consultation: 'consultation',
  closed_consultation: 'consultation (closed)',
  consultation_outcome: 'consultation outcome',
  policy_paper: 'policy paper',
  news_story: 'news story',
  press_release: 'press release',
  detailed_guide: 'guidance',
  statutory_guidance: 'statutory guidance',
  official_statistics: 'official statistics',
  national_statistics: 'national statistics',
  written_statement: 'written ministerial statement',
  oral_statement: 'oral statement to Parliament',
  speech: 'speech',
  correspondence: 'correspondence',
  impact_assessment: 'impact assessment',
  independent_report: 'independent report',
  research: 'research',
  transparency: 'transparency data',
};

export interface GovukChange {
  changeNote?: string | null;
  documentType?: string | null;
  firstPublishedAt?: string | null;
  isNew: boolean;
}

/** `New consultation` / `Updated: <change note>`. */
export function describeGovuk(change: GovukChange): string {
  const type = change.documentType?.trim();
  const noun = type ? (DOCUMENT_TYPES[type] ?? type.replace(/_/g, ' ')) : null;
  const note = change.changeNote?.trim();
  if (change.isNew) {
    const published = change.firstPublishedAt ? `, published ${change.firstPublishedAt.slice(0, 10)}` : '';
    return clip(`New ${noun ?? 'publication'}${published}`, MAX_LINE);
  }
  if (note) return clip(`Updated: ${note}`, MAX_LINE);
  return clip(noun ? `Updated ${noun}` : 'Updated', MAX_LINE);
}
