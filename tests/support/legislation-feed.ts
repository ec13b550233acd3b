/**
 * @module A legislation.gov.uk "changes to legislation" Atom feed built entry by entry in the
 * exact shape of the recorded `tests/fixtures/legislation-changes-affected-ukpga-2018-12.feed.xml`
 * (the same `ukm:Effect` attributes and children), for tests that need chosen effects.
 */

export interface EffectSpec {
  key: string;
  /** e.g. `s. 81(5)(a)`, `ss. 81-86`, `Sch. 2 paras. 1-3` */
  affectedProvisions: string;
  type: string;
  affectingId: string;
  affectingTitle: string;
  affectingProvisions?: string;
  /** In-force dates; none makes a prospective effect. */
  inForce: string[];
  /** The entry's `updated` and the effect's `Modified`. */
  modified: string;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function entry(actId: string, actTitle: string, effect: EffectSpec): string {
  const [, year, number] = actId.split('/');
  const [aType, aYear, aNumber] = effect.affectingId.split('/');
  const affectingClass =
    aType === 'uksi' ? 'UnitedKingdomStatutoryInstrument' : 'UnitedKingdomPublicGeneralAct';
  const inForce =
    effect.inForce.length === 0
      ? '<ukm:InForce Applied="false" Prospective="true" Qualification=""/>'
      : effect.inForce
          .map((date) => `<ukm:InForce Applied="false" Date="${date}" Qualification="wholly in force"/>`)
          .join('');
  const id = `http://www.legislation.gov.uk/changes/affected/${actId}/affecting/${effect.affectingId}/${effect.key}/modified/${effect.modified}`;
  return `<entry>
  <id>${id}</id>
  <content type="text/xml">
    <ukm:Effect AffectedProvisions="${escapeXml(effect.affectedProvisions)}" AffectingYear="${aYear}" Type="${escapeXml(effect.type)}" AffectedYear="${year}" AffectedURI="http://www.legislation.gov.uk/id/${actId}" AffectingProvisions="${escapeXml(effect.affectingProvisions ?? 's. 1')}" AffectedNumber="${number}" Applied="false" AffectingClass="${affectingClass}" URI="http://www.legislation.gov.uk/id/effect/${effect.key}" EffectId="${effect.key}" Row="1" AffectingURI="http://www.legislation.gov.uk/id/${effect.affectingId}" RequiresApplied="true" Modified="${effect.modified}" AffectedClass="UnitedKingdomPublicGeneralAct" AffectingNumber="${aNumber}"><ukm:AffectedTitle>${escapeXml(actTitle)}</ukm:AffectedTitle><ukm:AffectedProvisions><ukm:Section Ref="x" URI="http://www.legislation.gov.uk/id/${actId}">${escapeXml(effect.affectedProvisions)}</ukm:Section></ukm:AffectedProvisions><ukm:AffectingTitle>${escapeXml(effect.affectingTitle)}</ukm:AffectingTitle><ukm:AffectingProvisions><ukm:Section Ref="y" URI="http://www.legislation.gov.uk/id/${effect.affectingId}">${escapeXml(effect.affectingProvisions ?? 's. 1')}</ukm:Section></ukm:AffectingProvisions><ukm:InForceDates>${inForce}</ukm:InForceDates></ukm:Effect>
  </content>
  <title>${escapeXml(effect.affectingTitle)} effect on ${escapeXml(actTitle)}</title>
  <updated>${effect.modified}</updated>
  <author><name>editorial.legislation.gov.uk</name></author>
</entry>`;
}

export function changesFeed(actId: string, actTitle: string, effects: readonly EffectSpec[]): string {
  const [type, year, number] = actId.split('/');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:leg="http://www.legislation.gov.uk/namespaces/legislation" xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata" xmlns:openSearch="http://a9.com/-/spec/opensearch/1.1/">
<id>http://www.legislation.gov.uk/changes/affected/${actId}/data.feed</id>
<link rel="self" type="application/atom+xml" href="http://www.legislation.gov.uk/changes/affected/${actId}/data.feed"/>
<updated>${effects[0]?.modified ?? '2026-01-01T00:00:00Z'}</updated>
<title>Changes to Legislation</title>
<openSearch:Query role="request" ukm:affected-type="${type}" ukm:affected-year="${year}" ukm:affected-number="${number}"> </openSearch:Query>
<leg:page>1</leg:page><leg:morePages>0</leg:morePages><leg:totalPages>1</leg:totalPages><openSearch:totalResults>${effects.length}</openSearch:totalResults>
${effects.map((effect) => entry(actId, actTitle, effect)).join('\n')}
</feed>`;
}
