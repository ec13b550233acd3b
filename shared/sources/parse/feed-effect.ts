/**
 * @module legislation.gov.uk `ukm:Effect` (inside an Atom entry's `<content>`, as xml2js gives it)
 * to a `LegislationEffect`, plus the page a person should open for it (docs/contract.md §2).
 */
import { collapse } from '../../domain/text.ts';
import type { InForce, LegislationEffect, LegislationRef } from '../../domain/types.ts';
import { legislationIdFromUri, legislationPageUrl, provisionPageUrl } from './legislation.ts';

/** An xml2js element: attributes under `$`, text under `_`, children as arrays by tag name. */
export type XmlNode = { $?: Record<string, string>; _?: string } & { [child: string]: unknown };

/** Children of `node` whose tag's local name is `local`, whatever the prefix. */
export function children(node: unknown, local: string): unknown[] {
  if (node === null || typeof node !== 'object') return [];
  const found: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$' || key === '_') continue;
    if ((key === local || key.endsWith(`:${local}`)) && Array.isArray(value)) found.push(...value);
  }
  return found;
}

export function attrs(node: unknown): Record<string, string> {
  return node !== null && typeof node === 'object' && '$' in node ? ((node as XmlNode).$ ?? {}) : {};
}

export function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object' && typeof (node as XmlNode)._ === 'string')
    return (node as XmlNode)._!;
  return '';
}

/** All text inside an element, children included, separated by spaces. */
export function deepText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node === null || typeof node !== 'object') return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$') continue;
    if (key === '_' && typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) parts.push(...value.map(deepText));
  }
  return parts.join(' ');
}

export interface ExtractedEffect {
  effect: LegislationEffect;
  applied: boolean | null;
  /** The affected provision's page, else the affected legislation's. */
  url: string | null;
  /** Every URI the effect names (legislation, provisions, the effect itself). */
  links: string[];
}

/** The first `Effect` inside raw `<content>`, or null. */
export function extractEffect(rawContent: unknown): ExtractedEffect | null {
  const node = children(rawContent, 'Effect')[0];
  if (node === undefined) return null;
  const a = attrs(node);
  const title = (local: string) => collapse(text(children(node, local)[0])) || null;
  const ref = (uri: string | undefined, refTitle: string | null): LegislationRef | null => {
    if (!uri) return null;
    const parsed = legislationIdFromUri(uri);
    return { id: parsed?.id ?? uri, title: refTitle, uri };
  };
  const sections = (local: string) =>
    children(children(node, local)[0], 'Section')
      .map((section) => attrs(section).URI)
      .filter((uri): uri is string => typeof uri === 'string' && uri !== '');
  const affectedSections = sections('AffectedProvisions');
  const inForce: InForce[] = children(children(node, 'InForceDates')[0], 'InForce').map((entry) => {
    const at = attrs(entry);
    const prospective = at.Prospective === 'true' ? 'prospective' : null;
    return { date: at.Date || null, qualification: at.Qualification || prospective };
  });
  const affected = ref(a.AffectedURI, title('AffectedTitle'));
  const affecting = ref(a.AffectingURI, title('AffectingTitle'));
  const firstSection = affectedSections[0];
  const url =
    (firstSection ? provisionPageUrl(firstSection) : null) ??
    (affected && legislationIdFromUri(affected.uri ?? '') ? legislationPageUrl(affected.id) : null);
  const links = [
    a.AffectedURI,
    a.AffectingURI,
    ...affectedSections,
    ...sections('AffectingProvisions'),
    a.URI,
  ];
  return {
    effect: {
      affected,
      affecting,
      effect: a.Type ? collapse(a.Type) : null,
      provisions: {
        affected: collapse(a.AffectedProvisions ?? '') || null,
        affecting: collapse(a.AffectingProvisions ?? '') || null,
      },
      inForce,
    },
    applied: a.Applied === undefined ? null : a.Applied === 'true',
    url,
    links: links.filter((link): link is string => typeof link === 'string' && link !== ''),
  };
}
