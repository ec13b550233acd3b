/**
 * @module GOV.UK Search API JSON (`/api/search.json`, docs/sources.md §2.2) to `ParsedItem`s: one per
 * result, keyed by its link resolved against the source's origin, dated by `public_timestamp`.
 */
import * as z from 'zod';
import { collapse } from '../../domain/text.ts';
import type { ItemMeta, ParsedItem } from '../../domain/types.ts';
import { ParseError } from '../errors.ts';
import { toInstant } from './dates.ts';
import { htmlToText } from './html-text.ts';

const Organisation = z.looseObject({
  title: z.string().nullish(),
  slug: z.string().nullish(),
  acronym: z.string().nullish(),
});

const Result = z.looseObject({
  link: z.string().min(1),
  title: z.string().nullish(),
  description: z.string().nullish(),
  public_timestamp: z.string().nullish(),
  format: z.string().nullish(),
  content_store_document_type: z.string().nullish(),
  organisations: z.array(z.union([Organisation, z.string()])).nullish(),
});

const Response = z.looseObject({ results: z.array(Result) });

/** The API's error bodies, e.g. 422 for an unknown parameter. */
const ErrorBody = z.looseObject({ error: z.unknown().optional(), errors: z.unknown().optional() });

export function parseGovukSearch(
  json: string,
  sourceUrl: string,
  options: { timezone?: string } = {},
): ParsedItem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ParseError('malformed', `not GOV.UK search JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = Response.safeParse(raw);
  if (!parsed.success) {
    const failure = ErrorBody.safeParse(raw);
    if (failure.success && (failure.data.error !== undefined || failure.data.errors !== undefined)) {
      const detail = JSON.stringify(failure.data.error ?? failure.data.errors).slice(0, 300);
      throw new ParseError('bad-shape', `GOV.UK search returned an error: ${detail}`);
    }
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') || '(root)' : '(root)';
    throw new ParseError(
      'bad-shape',
      `not GOV.UK search results: ${where}: ${issue?.message ?? 'unexpected shape'}`,
    );
  }
  const origin = new URL(sourceUrl).origin;
  const timezone = options.timezone ?? 'Europe/London';
  const seen = new Set<string>();
  const items: ParsedItem[] = [];
  for (const result of parsed.data.results) {
    let url: string;
    try {
      url = new URL(result.link, origin).href;
    } catch {
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    const meta: ItemMeta = {};
    const organisations = (result.organisations ?? [])
      .map((org) => (typeof org === 'string' ? org : (org.title ?? org.slug ?? '')))
      .map(collapse)
      .filter((name) => name !== '');
    if (organisations.length > 0) meta.organisations = organisations;
    const documentType = result.content_store_document_type ?? result.format;
    if (documentType) meta.documentType = documentType;
    const item: ParsedItem = {
      key: url,
      title: collapse(result.title ?? '') || url,
      url,
      summary: htmlToText(result.description ?? ''),
      content: '',
      publishedAt: null,
      updatedAt: toInstant(result.public_timestamp, timezone),
      links: [url],
    };
    if (Object.keys(meta).length > 0) item.meta = meta;
    items.push(item);
  }
  return items;
}
