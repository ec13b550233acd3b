/**
 * @module An item's version (docs/contract.md §3): a hash of its canonical content (title, summary, content,
 * published, updated, effect) with whitespace collapsed, so formatting noise is never a change.
 */
import { createHash } from 'node:crypto';
import { collapse } from './text.ts';
import type { ParsedItem } from './types.ts';

/** sha256 of the canonical JSON, base64url, first 22 characters (132 bits). */
export function itemVersion(item: ParsedItem): string {
  return createHash('sha256').update(canonicalContent(item)).digest('base64url').slice(0, 22);
}

/** The exact string hashed: fixed key order, collapsed whitespace, page lines kept apart. */
export function canonicalContent(item: ParsedItem): string {
  return stableStringify({
    title: collapse(item.title),
    summary: collapse(item.summary),
    content: item.content
      .split('\n')
      .map(collapse)
      .filter((line) => line !== '')
      .join('\n'),
    publishedAt: item.publishedAt,
    updatedAt: item.updatedAt,
    effect: item.effect ?? null,
  });
}

/** JSON with object keys sorted and strings whitespace-collapsed, so equal content hashes equally. */
function stableStringify(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.includes('\n') ? value : collapse(value));
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(',')}}`;
}
