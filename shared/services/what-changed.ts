/**
 * @module Picks the one readable "what changed" line for an alert from what is known about the
 * item: a legislation effect, a page diff, a bill stage, GOV.UK Content API facts, else the kind.
 */
import type { AlertKind, LineDiff, ParsedItem } from '../domain/types.ts';
import { describeBill, describeEffect, describeGovuk, describePageDiff } from '../domain/what-changed.ts';
import type { GovukContent } from './govuk-content.ts';

export function whatChangedFor(input: {
  item: ParsedItem;
  kind: AlertKind;
  diff: LineDiff | undefined;
  govuk: GovukContent | null;
}): string {
  const { item, kind, diff, govuk } = input;
  if (item.effect) return describeEffect(item.effect);
  if (kind === 'page-changed' && diff) return describePageDiff(diff);
  if (item.meta?.stage) return describeBill(item.meta.stage, item.meta.categories ?? []);
  if (govuk || item.meta?.documentType) {
    return describeGovuk({
      changeNote: govuk?.changeNote ?? null,
      documentType: govuk?.documentType ?? item.meta?.documentType ?? null,
      firstPublishedAt: govuk?.firstPublishedAt ?? null,
      isNew: kind === 'new',
    });
  }
  const type = item.meta?.documentMainType ? humanise(item.meta.documentMainType) : null;
  if (kind === 'new') return type ? `New ${type}` : 'New item';
  return type ? `${type} updated` : 'Updated';
}

/** `UnitedKingdomStatutoryInstrument` → `UK Statutory Instrument`. */
function humanise(mainType: string): string {
  return mainType
    .replace(/^UnitedKingdom/, 'UK ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}
