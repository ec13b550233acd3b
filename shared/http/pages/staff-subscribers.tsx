/**
 * @module The staff subscribers page: counts per status, a form that adds a confirmed
 * subscriber, and every subscriber in a table with a Remove button that leads to a confirmation
 * step. Pure rendering; hono/jsx escapes every address, title and reason.
 */
import { formatInZone } from '../../domain/time.ts';
import type { Frequency, Subscriber, SubscriberStatus } from '../../domain/types.ts';
import { Layout, Notice } from './layout.tsx';
import {
  Choices,
  EmailField,
  ErrorSummary,
  type FieldErrors,
  FREQUENCY_OPTIONS,
  type TopicOption,
} from './subscription-pages.tsx';

export const STATUSES: readonly SubscriberStatus[] = ['confirmed', 'pending', 'unsubscribed', 'suppressed'];

export interface SubscribersProps {
  organisation: string;
  zone: string;
  topics: TopicOption[];
  subscribers: Subscriber[];
  /** CSRF tokens: the add form, and the first step of every Remove button. */
  csrf: { add: string; remove: string };
  values: { email: string; topics: string[]; frequency: Frequency };
  errors: FieldErrors;
  flash: { kind: 'ok' | 'error'; text: string } | null;
}

const SUPPRESSED_NOTE =
  'Removing a suppressed address (one that bounced or complained) lets it subscribe again.';

function When(props: { at: string | null; zone: string }) {
  if (!props.at) return <span class="meta">–</span>;
  return <time datetime={props.at}>{formatInZone(props.at, props.zone)}</time>;
}

function frequencyLabel(frequency: Frequency): string {
  return FREQUENCY_OPTIONS.find((option) => option.id === frequency)?.label ?? frequency;
}

function Counts(props: { subscribers: Subscriber[] }) {
  const count = (status: SubscriberStatus) => props.subscribers.filter((s) => s.status === status).length;
  return (
    <section aria-labelledby="counts">
      <h2 id="counts" class="visually-hidden">
        Counts
      </h2>
      <p class="lead">
        {props.subscribers.length} {props.subscribers.length === 1 ? 'subscriber' : 'subscribers'}
      </p>
      <ul class="counts">
        {STATUSES.map((status) => (
          <li>
            <span class={`badge ${status}`}>{status}</span> {count(status)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AddForm(props: SubscribersProps) {
  return (
    <section aria-labelledby="add">
      <h2 id="add">Add a subscriber</h2>
      <p class="hint">
        They are subscribed straight away, without confirming, and get an email saying so with links to change
        or stop it.
      </p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/staff/subscribers" novalidate>
        <input type="hidden" name="csrf" value={props.csrf.add} />
        <EmailField value={props.values.email} autocomplete="off" error={props.errors.email} />
        <Choices
          topics={props.topics}
          selected={props.values.topics}
          frequency={props.values.frequency}
          errors={props.errors}
        />
        <button type="submit">Add subscriber</button>
      </form>
    </section>
  );
}

function Row(props: { subscriber: Subscriber; topics: TopicOption[]; zone: string; csrf: string }) {
  const { subscriber: s } = props;
  const titles = s.topics.map((id) => props.topics.find((topic) => topic.id === id)?.title ?? id);
  return (
    <tr>
      <th scope="row">{s.email}</th>
      <td>{titles.join(', ')}</td>
      <td>{frequencyLabel(s.frequency)}</td>
      <td>
        <span class={`badge ${s.status}`}>{s.status}</span>
        {s.status === 'suppressed' && s.suppressedReason ? (
          <div class="meta">{s.suppressedReason}</div>
        ) : null}
      </td>
      <td>
        <When at={s.createdAt} zone={props.zone} />
      </td>
      <td>
        <When at={s.confirmedAt} zone={props.zone} />
      </td>
      <td>
        <form method="post" action="/staff/subscribers/remove">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="email" value={s.email} />
          <button type="submit" class="danger">
            Remove<span class="visually-hidden"> {s.email}</span>…
          </button>
        </form>
        {s.status === 'suppressed' ? <p class="meta">Removing lets it subscribe again.</p> : null}
      </td>
    </tr>
  );
}

export function SubscribersPage(props: SubscribersProps) {
  return (
    <Layout title="Subscribers" organisation={props.organisation} staff>
      <h1>Subscribers</h1>
      {props.flash ? <Notice kind={props.flash.kind}>{props.flash.text}</Notice> : null}
      <Counts subscribers={props.subscribers} />
      <AddForm {...props} />
      <section aria-labelledby="all">
        <h2 id="all">All subscribers</h2>
        <p class="hint">
          Unsubscribed and suppressed addresses are kept so nothing is sent to them. Remove erases the record
          (you are asked to confirm). {SUPPRESSED_NOTE}
        </p>
        {props.subscribers.length === 0 ? (
          <p>No subscribers yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Every subscriber, by address</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Topics</th>
                  <th scope="col">Frequency</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Confirmed</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {props.subscribers.map((subscriber) => (
                  <Row
                    subscriber={subscriber}
                    topics={props.topics}
                    zone={props.zone}
                    csrf={props.csrf.remove}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

/** The second step of Remove: says what erasing means, then posts with a token for this address. */
export function RemoveSubscriberPage(props: { organisation: string; subscriber: Subscriber; csrf: string }) {
  const { subscriber } = props;
  return (
    <Layout title="Remove a subscriber" organisation={props.organisation} staff narrow>
      <h1>Remove {subscriber.email}?</h1>
      <p class="lead">
        This erases the record (status: {subscriber.status}) and its delivery history, and cannot be undone.
      </p>
      {subscriber.status === 'suppressed' ? (
        <p class="notice error">
          This address is suppressed
          {subscriber.suppressedReason ? ` (${subscriber.suppressedReason})` : ''}. {SUPPRESSED_NOTE}
        </p>
      ) : (
        <p>The address could subscribe again later through the public form.</p>
      )}
      <form method="post" action="/staff/subscribers/remove" class="inline">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="email" value={subscriber.email} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">
          Yes, remove {subscriber.email}
        </button>
        <a href="/staff/subscribers">Cancel</a>
      </form>
    </Layout>
  );
}
