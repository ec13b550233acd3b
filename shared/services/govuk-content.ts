/**
 * @module GOV.UK Content API enrichment: for a matched GOV.UK item, the latest change note,
 * document type and first-published date (`/api/content/<path>`). Bounded per cycle, rate
 * limited by the fetcher's per-host politeness, and skipped without failing when unreachable.
 */
import * as z from 'zod';
import type { SourceConfig } from '../config/schema.ts';
import type { ParsedItem } from '../domain/types.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface GovukContent {
  changeNote: string | null;
  documentType: string | null;
  firstPublishedAt: string | null;
}

const ContentItem = z.object({
  document_type: z.string().optional(),
  first_published_at: z.string().optional(),
  public_updated_at: z.string().optional(),
  details: z
    .object({
      change_history: z.array(z.object({ public_timestamp: z.string(), note: z.string() })).optional(),
      change_note: z.string().optional(),
    })
    .loose()
    .optional(),
});

/**
 * Content API URL for a GOV.UK page URL, or null when the item is not a GOV.UK page. The link
 * comes from a fetched document, so only two hosts are ever asked: www.gov.uk itself (always over
 * https, default port), or the govuk-search source's own origin (a mirror). A hostile result
 * linking elsewhere must not make us fetch another host's `/api/content/…`.
 */
export function contentApiUrl(item: ParsedItem, source: SourceConfig): string | null {
  let url: URL;
  try {
    url = new URL(item.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.pathname === '/' || url.pathname.startsWith('/api/')) return null;
  if (url.hostname === 'www.gov.uk') return `https://www.gov.uk/api/content${url.pathname}`;
  return isSourceOrigin(url, source) ? `${url.origin}/api/content${url.pathname}` : null;
}

function isSourceOrigin(url: URL, source: SourceConfig): boolean {
  if (source.kind !== 'govuk-search') return false;
  try {
    return url.origin === new URL(source.url).origin;
  } catch {
    return false;
  }
}

/** A per-cycle allowance so enrichment never dominates a poll. */
export function enrichmentBudget(max: number): { take(): boolean } {
  let left = max;
  return { take: () => left-- > 0 };
}

export async function fetchGovukContent(
  deps: ServiceDeps,
  item: ParsedItem,
  source: SourceConfig,
): Promise<GovukContent | null> {
  const url = contentApiUrl(item, source);
  if (!url) return null;
  try {
    const result = await deps.fetcher.fetch({
      url,
      accept: 'application/json',
      acceptTypes: ['application/json'],
      // The opt-in covers the source's own host, never www.gov.uk reached from its items.
      allowPrivateNetwork: source.allowPrivateNetwork === true && isSourceOrigin(new URL(url), source),
      timeoutMs: 5_000,
      maxBytes: 2 * 1024 * 1024,
      maxRedirects: 3,
    });
    if (result.status !== 'ok') return null;
    const parsed = ContentItem.safeParse(JSON.parse(result.body.toString('utf8')));
    if (!parsed.success) return null;
    const history = [...(parsed.data.details?.change_history ?? [])].sort((a, b) =>
      b.public_timestamp.localeCompare(a.public_timestamp),
    );
    return {
      changeNote: history[0]?.note ?? parsed.data.details?.change_note ?? null,
      documentType: parsed.data.document_type ?? null,
      firstPublishedAt: parsed.data.first_published_at ?? null,
    };
  } catch (error) {
    deps.logger.log('debug', 'GOV.UK content enrichment skipped', { url, error });
    return null;
  }
}
