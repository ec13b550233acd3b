/**
 * @module The staff dashboard (docs/contract.md §6 Pages): stale factsheets first with their evidence and a
 * review form, then recent alerts with filters, then source health. Pure rendering.
 */
import { citedChangeText, type EvidenceAlert } from '../../domain/cited-evidence.ts';
import { formatInZone } from '../../domain/time.ts';
import type { Alert } from '../../domain/types.ts';
import type { FactsheetView } from '../../services/factsheets.ts';
import { type DashboardFeedback, FeedbackSection, JudgeForms } from './feedback.tsx';
import { Layout, Notice, SafeLink } from './layout.tsx';

export interface SourceRow {
  id: string;
  title: string;
  kind: string;
  url: string;
  lastPolledAt: string | null;
  lastStatus: string | null;
  httpStatus: number | null;
  consecutiveFailures: number;
  lastError: string | null;
}

export interface DashboardProps {
  organisation: string;
  zone: string;
  factsheets: FactsheetView[];
  /** CSRF token per factsheet id (each form has its own purpose). */
  csrf: Record<string, string>;
  alerts: Alert[];
  nextCursor: string | null;
  filters: { topic: string | null; source: string | null };
  topics: { id: string; title: string }[];
  sources: SourceRow[];
  flash: { kind: 'ok' | 'error'; text: string } | null;
  /** Judgement forms on each alert, quality per topic, the missed-publication form. */
  feedback: DashboardFeedback;
  /** Today (YYYY-MM-DD) in the service's zone: whether a cited change is in force yet. */
  today?: string;
}

/** Evidence shown per factsheet on the page (the API has up to 100). */
const EVIDENCE_SHOWN = 10;

function AlertLine(props: { alert: Alert; zone: string }) {
  const { alert, zone } = props;
  return (
    <>
      <SafeLink href={alert.url}>{alert.title || '(untitled)'}</SafeLink>
      <p class="meta">
        {alert.source.title} · changed{' '}
        <time datetime={alert.changedAt}>{formatInZone(alert.changedAt, zone)}</time> · {alert.kind}
      </p>
      {alert.whatChanged ? <p class="what">{alert.whatChanged}</p> : null}
    </>
  );
}

/** Cited changes first (they are why the factsheet is high severity), newest first within each. */
function shownEvidence(evidence: readonly EvidenceAlert[]): EvidenceAlert[] {
  const cited = evidence.filter((alert) => alert.because.reason === 'cites');
  const topical = evidence.filter((alert) => alert.because.reason !== 'cites');
  return [...cited, ...topical].slice(0, EVIDENCE_SHOWN);
}

function Citations(props: { sheet: FactsheetView; zone: string }) {
  const { sheet, zone } = props;
  const read = sheet.citationsRead;
  return (
    <>
      {sheet.citations.length > 0 ? (
        <p class="meta">
          Cites:{' '}
          {sheet.citations
            .map((citation) => (citation.text ? `${citation.ref} (“${citation.text}”)` : citation.ref))
            .join(', ')}
        </p>
      ) : null}
      {read?.error ? (
        <p class="notice error">
          Could not read citations from the factsheet: {read.error}
          {read.readAt ? ` (keeping those read ${formatInZone(read.readAt, zone)})` : ''}
        </p>
      ) : null}
    </>
  );
}

function FactsheetCard(props: { sheet: FactsheetView; zone: string; csrf: string; today: string }) {
  const { sheet, zone } = props;
  const headingId = `fs-${sheet.id}`;
  const high = sheet.severity === 'high';
  return (
    <section
      class={sheet.stale ? 'card stale' : 'card fresh'}
      aria-labelledby={headingId}
      id={`factsheet-${sheet.id}`}
    >
      <h3 id={headingId}>
        {sheet.url ? <SafeLink href={sheet.url}>{sheet.title}</SafeLink> : sheet.title}{' '}
        <span class={high ? 'badge high' : sheet.stale ? 'badge stale' : 'badge ok'}>
          {high ? 'Cited law changed' : sheet.stale ? 'May need revising' : 'Up to date'}
        </span>
      </h3>
      <p class="meta">
        Last reviewed{' '}
        {sheet.reviewedAt.length === 10 ? sheet.reviewedAt : formatInZone(sheet.reviewedAt, zone)}
        {sheet.staleSince ? ` · changes since ${formatInZone(sheet.staleSince, zone, false)}` : ''} · topics:{' '}
        {sheet.topics.length > 0 ? sheet.topics.join(', ') : 'none'}
      </p>
      <Citations sheet={sheet} zone={zone} />
      {sheet.stale ? (
        <>
          <p>
            {sheet.evidenceCount} {sheet.evidenceCount === 1 ? 'change' : 'changes'} since the last review
            {sheet.evidenceCount > EVIDENCE_SHOWN ? ` (newest ${EVIDENCE_SHOWN} shown)` : ''}:
          </p>
          <ul class="evidence">
            {shownEvidence(sheet.evidence).map((alert) => (
              <li>
                {alert.because.reason === 'cites' ? (
                  <p class="cited-change">{citedChangeText(alert, props.today)}</p>
                ) : null}
                <AlertLine alert={alert} zone={zone} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <form method="post" action={`/staff/factsheets/${encodeURIComponent(sheet.id)}/review`}>
        <input type="hidden" name="csrf" value={props.csrf} />
        <div class="field">
          <label for={`note-${sheet.id}`}>Review note (optional)</label>
          <textarea id={`note-${sheet.id}`} name="note" maxlength={2000} rows={2} />
        </div>
        <button type="submit" class={sheet.stale ? undefined : 'secondary'}>
          Mark “{sheet.title}” reviewed
        </button>
      </form>
    </section>
  );
}

function FilterSelect(props: {
  name: string;
  label: string;
  all: string;
  options: readonly { id: string; title: string }[];
  selected: string | null;
}) {
  return (
    <div>
      <label for={`filter-${props.name}`}>{props.label}</label>
      <select id={`filter-${props.name}`} name={props.name}>
        <option value="">{props.all}</option>
        {props.options.map((option) => (
          <option value={option.id} selected={props.selected === option.id}>
            {option.title}
          </option>
        ))}
      </select>
    </div>
  );
}

function AlertFilters(props: DashboardProps) {
  const filters = [
    { name: 'topic', label: 'Topic', all: 'All topics', options: props.topics },
    { name: 'source', label: 'Source', all: 'All sources', options: props.sources },
  ] as const;
  return (
    <search aria-label="Filter alerts">
      <form class="inline" method="get" action="/staff#alerts">
        {filters.map((filter) => (
          <FilterSelect {...filter} selected={props.filters[filter.name]} />
        ))}
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
    </search>
  );
}

function nextPageHref(props: DashboardProps): string {
  const params = new URLSearchParams();
  if (props.filters.topic) params.set('topic', props.filters.topic);
  if (props.filters.source) params.set('source', props.filters.source);
  params.set('cursor', props.nextCursor ?? '');
  return `/staff?${params.toString()}#alerts`;
}

function SourceTable(props: { sources: SourceRow[]; zone: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Source health</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Last poll</th>
            <th scope="col">Status</th>
            <th scope="col">HTTP</th>
            <th scope="col">Failures in a row</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {props.sources.map((source) => (
            <tr>
              <th scope="row">
                <SafeLink href={source.url}>{source.title}</SafeLink>
                <div class="meta">
                  {source.id} · {source.kind}
                </div>
              </th>
              <td>{source.lastPolledAt ? formatInZone(source.lastPolledAt, props.zone) : 'never'}</td>
              <td>
                <span class={`badge ${source.lastStatus ?? 'never'}`}>
                  {source.lastStatus ?? 'not polled'}
                </span>
              </td>
              <td>{source.httpStatus ?? '–'}</td>
              <td>{source.consecutiveFailures}</td>
              <td>{source.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Dashboard(props: DashboardProps) {
  const stale = props.factsheets.filter((sheet) => sheet.stale);
  const fresh = props.factsheets.filter((sheet) => !sheet.stale);
  const high = stale.filter((sheet) => sheet.severity === 'high').length;
  const today = props.today ?? new Date().toISOString().slice(0, 10);
  return (
    <Layout title="Staff dashboard" organisation={props.organisation} staff>
      <h1>Staff dashboard</h1>
      {props.flash ? <Notice kind={props.flash.kind}>{props.flash.text}</Notice> : null}
      <section aria-labelledby="factsheets">
        <h2 id="factsheets">Factsheets</h2>
        <p class="lead">
          {stale.length === 0
            ? 'No factsheet needs revising.'
            : `${stale.length} of ${props.factsheets.length} factsheets may need revising${high > 0 ? `; ${high} ${high === 1 ? 'cites' : 'cite'} law that has changed` : ''}.`}
        </p>
        {[...stale, ...fresh].map((sheet) => (
          <FactsheetCard sheet={sheet} zone={props.zone} csrf={props.csrf[sheet.id] ?? ''} today={today} />
        ))}
      </section>
      <section aria-labelledby="alerts">
        <h2 id="alerts">Recent alerts</h2>
        <AlertFilters {...props} />
        {props.feedback.falseTerm ? (
          <p class="lead" id="false-term">
            Alerts judged not relevant for {props.feedback.falseTerm.topic} that matched “
            {props.feedback.falseTerm.term}” (<a href="/staff#alerts">show all alerts</a>)
          </p>
        ) : null}
        {props.alerts.length === 0 ? (
          <p>No alerts match.</p>
        ) : (
          <ul class="evidence">
            {props.alerts.map((alert) => (
              <li id={`alert-${alert.id}`}>
                <AlertLine alert={alert} zone={props.zone} />
                <JudgeForms alert={alert} feedback={props.feedback} />
              </li>
            ))}
          </ul>
        )}
        {props.nextCursor ? (
          <p class="pager">
            <a href={nextPageHref(props)}>Older alerts</a>
          </p>
        ) : null}
      </section>
      <FeedbackSection feedback={props.feedback} />
      <section aria-labelledby="sources">
        <h2 id="sources">Source health</h2>
        <SourceTable sources={props.sources} zone={props.zone} />
      </section>
    </Layout>
  );
}
