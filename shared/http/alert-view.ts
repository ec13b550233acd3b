/**
 * @module The Alert document of docs/contract.md §6, field for field. Stored alerts carry more than the
 * contract (e.g. a legislation reference's source `uri`, kept for matching), so every route that
 * outputs an alert goes through `alertView`: the API shows exactly the documented fields, and
 * `legislation` / `diff` / `judged` only when they apply.
 */
import type { Alert, LegislationEffect, LegislationRef } from '../domain/types.ts';
import { isHttpUrl } from '../domain/urls.ts';
import { judgedOf } from '../services/feedback.ts';
import type { ServiceDeps } from '../services/service-deps.ts';

function refView(ref: LegislationRef | null): LegislationRef | null {
  return ref ? { id: ref.id, title: ref.title } : null;
}

function legislationView(effect: LegislationEffect): LegislationEffect {
  return {
    affected: refView(effect.affected),
    affecting: refView(effect.affecting),
    effect: effect.effect,
    provisions: { affected: effect.provisions.affected, affecting: effect.provisions.affecting },
    inForce: effect.inForce.map(({ date, qualification }) => ({ date, qualification })),
  };
}

/** An alert as the API outputs it: `judged` only once staff judged it for some topic. */
export type AlertDocument = Alert & { judged?: { topic: string; relevant: boolean }[] };

export function alertView(
  alert: Alert,
  judged?: readonly { topic: string; relevant: boolean }[],
): AlertDocument {
  const view: AlertDocument = {
    id: alert.id,
    kind: alert.kind,
    topics: [...alert.topics],
    matched: alert.matched.map(({ topic, terms }) => ({ topic, terms: [...terms] })),
    source: { id: alert.source.id, title: alert.source.title },
    title: alert.title,
    // New alerts always carry an http(s) address (see sources/parse/source-body.ts); one stored before that
    // rule with a `javascript:`/`data:` address is shown as "" rather than handed to a client.
    url: isHttpUrl(alert.url) ? alert.url : '',
    summary: alert.summary,
    whatChanged: alert.whatChanged,
    publishedAt: alert.publishedAt,
    changedAt: alert.changedAt,
    detectedAt: alert.detectedAt,
  };
  if (alert.legislation) view.legislation = legislationView(alert.legislation);
  if (alert.diff) view.diff = { added: [...alert.diff.added], removed: [...alert.diff.removed] };
  if (judged && judged.length > 0) view.judged = judged.map(({ topic, relevant }) => ({ topic, relevant }));
  return view;
}

/** Alert documents with their standing judgements (one batch read for the lot). */
export async function alertViews(deps: ServiceDeps, alerts: readonly Alert[]): Promise<AlertDocument[]> {
  const judged = await judgedOf(deps, alerts);
  return alerts.map((alert) => alertView(alert, judged.get(alert.id)));
}
