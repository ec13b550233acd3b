/**
 * @module What a poll cycle refreshes before the cited feeds are read: the citations in each
 * `readCitations` factsheet's own document (at most once a day; a failure keeps the earlier
 * ones and is shown on the dashboard) and each cited Act's contents (weekly; the containment
 * of sections in parts and chapters).
 */
import { findCitations, normaliseTitle } from '../domain/citation-text.ts';
import type { ActContents, PageCitations } from '../domain/types.ts';
import { DOCUMENT_ACCEPT, DOCUMENT_TYPES, readCitationDocument } from '../sources/parse/citation-document.ts';
import { parseLegislationContents } from '../sources/parse/legislation-contents.ts';
import { citedActs, storedPageCitations } from './cited-sources.ts';
import type { ServiceDeps } from './service-deps.ts';
import { errorMessage } from './source-state.ts';

const DAY = 24 * 60 * 60 * 1000;
export const PAGE_READ_EVERY = DAY;
export const CONTENTS_READ_EVERY = 7 * DAY;
/** After a failed contents read, wait this long before asking again. */
const CONTENTS_RETRY = 60 * 60 * 1000;

/**
 * The last resort when neither the document's own links nor legislation.gov.uk data seen so far
 * name an Act: the Acts the shipped factsheets rest on (see docs/citations.md).
 */
export const BUILT_IN_TITLES: ReadonlyArray<[string, string]> = [
  ['Localism Act 2011', 'ukpga/2011/20'],
  ['Public Services (Social Value) Act 2012', 'ukpga/2012/3'],
  ['Procurement Act 2023', 'ukpga/2023/54'],
  ['Local Government and Public Involvement in Health Act 2007', 'ukpga/2007/28'],
  ['Local Government Act 2000', 'ukpga/2000/22'],
  ['Local Government and Housing Act 1989', 'ukpga/1989/42'],
  ['Local Government Act 1972', 'ukpga/1972/70'],
  ["Local Authorities (Members' Allowances) (England) Regulations 2003", 'uksi/2003/1021'],
  ['Public Contracts Regulations 2015', 'uksi/2015/102'],
  ['Local Government (Disqualification) Act 2022', 'ukpga/2022/17'],
];

/** Titles to ids: built-in fallback, overridden by what legislation.gov.uk data said. */
export async function titleIndex(deps: ServiceDeps): Promise<Map<string, string>> {
  const index = new Map(BUILT_IN_TITLES.map(([title, id]) => [normaliseTitle(title), id]));
  const [stored, contents] = await Promise.all([
    deps.store.legislation.titles(),
    deps.store.legislation.allContents(),
  ]);
  for (const [title, id] of stored) index.set(title, id);
  for (const act of contents) if (act.title) index.set(normaliseTitle(act.title), act.id);
  return index;
}

function due(lastAttemptAt: string | null | undefined, every: number, now: number): boolean {
  return !lastAttemptAt || Date.parse(lastAttemptAt) + every <= now;
}

/** Reads the factsheet documents that are due. Returns how many were read. */
export async function refreshPageCitations(deps: ServiceDeps): Promise<number> {
  const sheets = deps.config.factsheets.filter((sheet) => sheet.readCitations && sheet.url);
  if (sheets.length === 0) return 0;
  const now = deps.clock.now();
  const stored = new Map((await storedPageCitations(deps)).map((page) => [page.factsheetId, page]));
  const dueSheets = sheets.filter((sheet) => {
    const page = stored.get(sheet.id);
    return !page || page.url !== sheet.url || due(page.lastAttemptAt, PAGE_READ_EVERY, now.getTime());
  });
  if (dueSheets.length === 0) return 0;
  const titles = await titleIndex(deps);
  for (const sheet of dueSheets) {
    const previous = stored.get(sheet.id);
    const at = now.toISOString();
    let record: PageCitations;
    try {
      const fetched = await deps.fetcher.fetch({
        url: sheet.url!,
        accept: DOCUMENT_ACCEPT,
        acceptTypes: DOCUMENT_TYPES,
        allowPrivateNetwork: sheet.allowPrivateNetwork,
      });
      if (fetched.status !== 'ok') throw new Error('unexpected 304');
      const doc = await readCitationDocument(fetched.body, fetched);
      const citations = findCitations(doc, titles);
      record = {
        factsheetId: sheet.id,
        url: sheet.url!,
        citations,
        readAt: at,
        lastAttemptAt: at,
        error: null,
      };
    } catch (error) {
      const message = errorMessage(error);
      deps.logger.log('warn', 'factsheet citations not read', { factsheetId: sheet.id, error: message });
      record = {
        factsheetId: sheet.id,
        url: sheet.url!,
        citations: previous?.citations ?? [],
        readAt: previous?.readAt ?? null,
        lastAttemptAt: at,
        error: message,
      };
    }
    await deps.store.legislation.putPageCitations(record);
  }
  return dueSheets.length;
}

/** Reads the contents of cited Acts not read this week. */
export async function refreshContents(deps: ServiceDeps, pages?: readonly PageCitations[]): Promise<void> {
  const acts = [...citedActs(deps.config, pages ?? (await storedPageCitations(deps))).keys()];
  if (acts.length === 0) return;
  const now = deps.clock.now().getTime();
  const base = deps.config.legislation.baseUrl.replace(/\/+$/, '');
  for (const id of acts) {
    const previous = await deps.store.legislation.contents(id);
    const stale = due(previous?.fetchedAt, CONTENTS_READ_EVERY, now);
    const retry = previous?.error == null || due(previous.lastAttemptAt, CONTENTS_RETRY, now);
    if (!stale || !retry) continue;
    const at = new Date(now).toISOString();
    let record: ActContents;
    try {
      const fetched = await deps.fetcher.fetch({
        url: `${base}/${id}/contents/data.xml`,
        accept: 'application/xml',
        acceptTypes: ['application/xml', 'text/xml'],
        allowPrivateNetwork: deps.config.legislation.allowPrivateNetwork,
      });
      if (fetched.status !== 'ok') throw new Error('unexpected 304');
      const parsed = parseLegislationContents(fetched.body, fetched.charset);
      record = {
        id,
        title: parsed.title,
        containers: parsed.containers,
        fetchedAt: at,
        lastAttemptAt: at,
        error: null,
      };
      if (parsed.title) await deps.store.legislation.putTitles([{ id, title: parsed.title }]);
    } catch (error) {
      const message = errorMessage(error);
      deps.logger.log('warn', 'legislation contents not read', { actId: id, error: message });
      record = {
        id,
        title: previous?.title ?? null,
        containers: previous?.containers ?? null,
        fetchedAt: previous?.fetchedAt ?? null,
        lastAttemptAt: at,
        error: message,
      };
    }
    await deps.store.legislation.putContents(record);
  }
}

/** Both refreshes; whatever fails is recorded, never thrown into the poll cycle. */
export async function refreshCitations(deps: ServiceDeps): Promise<void> {
  try {
    await refreshPageCitations(deps);
    await refreshContents(deps);
  } catch (error) {
    deps.logger.log('error', 'citation refresh failed', { error });
  }
}
