/**
 * @module The dashboard's feedback parts: per-topic relevant / not relevant forms on each alert
 * (with the standing judgement), the "report a missed publication" form, and each topic's
 * quality with its false terms. Plain forms, no JavaScript; every form carries a CSRF token.
 */
import type { TopicQuality } from '../../domain/feedback.ts';
import type { Alert } from '../../domain/types.ts';

export interface DashboardFeedback {
  /** Standing judgements of the alerts shown, by alert id. */
  judged: Record<string, { topic: string; relevant: boolean }[]>;
  csrfJudge: string;
  csrfMissed: string;
  /** The dashboard URL the forms return to (path and query). */
  back: string;
  topics: { id: string; title: string; query: string }[];
  quality: TopicQuality[];
  /** Set when the alert list shows the alerts behind one false term. */
  falseTerm: { topic: string; term: string } | null;
  missedForm?: MissedFormState;
}

export interface MissedFormState {
  values: { title: string; url: string; summary: string; topics: string[] };
  errors: { path: string; message: string }[];
}

function judgementLabel(relevant: boolean | undefined): string {
  if (relevant === undefined) return 'not judged';
  return relevant ? 'relevant' : 'not relevant';
}

/** One line per topic of the alert: its standing judgement and the two buttons. */
export function JudgeForms(props: { alert: Alert; feedback: DashboardFeedback }) {
  const { alert, feedback } = props;
  const judged = feedback.judged[alert.id] ?? [];
  const title = (id: string) => feedback.topics.find((topic) => topic.id === id)?.title ?? id;
  return (
    <ul class="judge">
      {alert.topics.map((topic) => {
        const relevant = judged.find((judgement) => judgement.topic === topic)?.relevant;
        const state = relevant === undefined ? 'never' : relevant ? 'ok' : 'stale';
        return (
          <li>
            <form
              class="inline judge"
              method="post"
              action={`/staff/alerts/${encodeURIComponent(alert.id)}/feedback`}
              aria-label={`Judge for ${title(topic)}`}
            >
              <input type="hidden" name="csrf" value={feedback.csrfJudge} />
              <input type="hidden" name="topic" value={topic} />
              <input type="hidden" name="back" value={feedback.back} />
              <span class="topic">{title(topic)}</span>
              <span class={`badge ${state}`}>{judgementLabel(relevant)}</span>
              <button type="submit" name="relevant" value="true" class="secondary small">
                Relevant
              </button>
              <button type="submit" name="relevant" value="false" class="secondary small">
                Not relevant
              </button>
            </form>
          </li>
        );
      })}
    </ul>
  );
}

const percent = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`);

export function falseTermHref(topic: string, term: string): string {
  return `/staff?${new URLSearchParams({ topic, falseTerm: term }).toString()}#alerts`;
}

export function QualityPanel(props: { feedback: DashboardFeedback }) {
  const { feedback } = props;
  return (
    <div class="table-wrap">
      <table id="quality">
        <caption>Quality per topic, from staff judgements</caption>
        <thead>
          <tr>
            <th scope="col">Topic and query</th>
            <th scope="col">Judged</th>
            <th scope="col">Relevant</th>
            <th scope="col">Not relevant</th>
            <th scope="col">Missed</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">False terms</th>
          </tr>
        </thead>
        <tbody>
          {feedback.topics.map((topic) => {
            const q = feedback.quality.find((quality) => quality.topic === topic.id);
            return (
              <tr id={`quality-${topic.id}`}>
                <th scope="row">
                  {topic.title}
                  <div class="meta">
                    <code>{topic.query}</code>
                  </div>
                </th>
                <td>{q?.judged ?? 0}</td>
                <td>{q?.relevant ?? 0}</td>
                <td>{q?.notRelevant ?? 0}</td>
                <td>{q?.missed ?? 0}</td>
                <td>{percent(q?.precision ?? null)}</td>
                <td>{percent(q?.recall ?? null)}</td>
                <td>
                  {q && q.falseTerms.length > 0 ? (
                    <ul class="terms">
                      {q.falseTerms.map(({ term, count }) => (
                        <li>
                          <a href={falseTermHref(topic.id, term)}>{term}</a> ({count})
                        </li>
                      ))}
                    </ul>
                  ) : (
                    'none'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function MissedForm(props: { feedback: DashboardFeedback }) {
  const { feedback } = props;
  const state = feedback.missedForm;
  const values = state?.values ?? { title: '', url: '', summary: '', topics: [] };
  const errorFor = (path: string) =>
    state?.errors
      .filter((error) => error.path === path || error.path.startsWith(`${path}[`))
      .map((error) => error.message)
      .join('; ') || null;
  const field = (name: 'title' | 'url' | 'summary', label: string, input: unknown) => (
    <div class="field">
      <label for={`missed-${name}`}>{label}</label>
      {errorFor(name) ? (
        <p class="error-text" id={`missed-${name}-error`}>
          {errorFor(name)}
        </p>
      ) : null}
      {input}
    </div>
  );
  return (
    <form method="post" action="/staff/feedback/missed" id="missed-form">
      <input type="hidden" name="csrf" value={feedback.csrfMissed} />
      {field(
        'title',
        'Title',
        <input type="text" id="missed-title" name="title" maxlength={500} required value={values.title} />,
      )}
      {field(
        'url',
        'Link',
        <input
          type="text"
          id="missed-url"
          name="url"
          inputmode="url"
          maxlength={2048}
          required
          value={values.url}
        />,
      )}
      {field(
        'summary',
        'Summary (optional)',
        <textarea id="missed-summary" name="summary" maxlength={2000} rows={2}>
          {values.summary}
        </textarea>,
      )}
      <fieldset>
        <legend>Topics it belongs to</legend>
        {errorFor('topics') ? <p class="error-text">{errorFor('topics')}</p> : null}
        {feedback.topics.map((topic) => (
          <div class="choice">
            <input
              type="checkbox"
              id={`missed-topic-${topic.id}`}
              name="topics"
              value={topic.id}
              checked={values.topics.includes(topic.id)}
            />
            <label for={`missed-topic-${topic.id}`}>{topic.title}</label>
          </div>
        ))}
      </fieldset>
      <button type="submit">Report missed publication</button>
    </form>
  );
}

/** The "Relevance" section: quality per topic, then the missed-publication form. */
export function FeedbackSection(props: { feedback: DashboardFeedback }) {
  return (
    <section aria-labelledby="relevance">
      <h2 id="relevance">Relevance</h2>
      <p class="lead">
        Judge alerts above; a false term links to the alerts judged not relevant that matched it. Edit the
        query, then measure it with <code>policy-watch evaluate --from-feedback</code> before deploying.
      </p>
      <QualityPanel feedback={props.feedback} />
      <h3 id="missed">Report a missed publication</h3>
      <MissedForm feedback={props.feedback} />
    </section>
  );
}
