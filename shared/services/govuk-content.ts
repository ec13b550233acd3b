/**
 * @module GOV.UK Content API enrichment: for a matched GOV.UK item, the latest change note,
 * document type and first-published date (`/api/content/<path>`). Bounded per cycle, rate
 * limited by the fetcher's per-host politeness, and skipped without failing when unreachable.
 */
import { z } from 'zod';
import type { SourceConfig } from '../config.ts';
import type { ParsedItem } from '../domain/types.ts';
import type { ServiceDeps } from './deps.ts';

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

/** Content API URL for a GOV.UK page URL, or null when the item is not a GOV.UK page. */
export function contentApiUrl(item: ParsedItem, source: SourceConfig): string | null {
  let url: URL;
  try {
    url = new URL(item.url);
  } catch {
    return null;
  }
  const isGovuk = url.hostname === 'www.gov.uk' || source.kind === 'govuk-search';
  if (!isGovuk || url.pathname === '/' || url.pathname.startsWith('/api/')) return null;
  return `${url.origin}/api/content${url.pathname}`;
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
      allowPrivateNetwork: source.allowPrivateNetwork,
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
