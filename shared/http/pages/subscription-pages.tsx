/**
 * @module Subscriber pages: subscribe, confirm, manage, unsubscribe. Every action is a form POST
 * (a GET never changes anything, because mail scanners prefetch links). Pure rendering.
 */
import type { Child } from 'hono/jsx';
import type { Frequency, SubscriberStatus } from '../../domain/types.ts';
import { FREQUENCIES } from '../../domain/vocabulary.ts';
import { Layout, Notice } from './layout.tsx';

export interface TopicOption {
  id: string;
  title: string;
}

const WORDING: Record<Frequency, { label: string; hint: string }> = {
  immediate: { label: 'As they happen', hint: 'an email soon after each change we find' },
  daily: { label: 'Daily digest', hint: 'at most one email a day' },
  weekly: { label: 'Weekly digest', hint: 'at most one email a week' },
};

/** The frequency choices, in the vocabulary's order, with their wording. */
export const FREQUENCY_OPTIONS: readonly { id: Frequency; label: string; hint: string }[] = FREQUENCIES.map(
  (id) => ({ id, ...WORDING[id] }),
);

/** A labelled checkbox or radio button; ids follow `<name>-<value>` (`topics` → `topic-…`). */
function Choice(props: {
  type: 'checkbox' | 'radio';
  name: string;
  value: string;
  checked: boolean;
  children: Child;
}) {
  const id = `${props.name === 'topics' ? 'topic' : props.name}-${props.value}`;
  return (
    <div class="choice">
      <input type={props.type} id={id} name={props.name} value={props.value} checked={props.checked} />
      <label for={id}>{props.children}</label>
    </div>
  );
}

export interface FieldErrors {
  email?: string;
  topics?: string;
  frequency?: string;
  form?: string;
}

export function ErrorSummary(props: { errors: FieldErrors }) {
  const entries = Object.entries(props.errors).filter(([, message]) => message);
  if (entries.length === 0) return null;
  return (
    <div class="notice error" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">There is a problem</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>{field === 'form' ? message : <a href={`#field-${field}`}>{message}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The email address field (`#field-email`, which the error summary links to): a hint (children)
 * and the field's error, each read out with the input.
 */
export function EmailField(props: {
  value: string;
  autocomplete: 'email' | 'off';
  error?: string | undefined;
  children?: Child;
}) {
  const describedBy = [props.children ? 'email-hint' : '', props.error ? 'email-error' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field" id="field-email">
      <label for="email">Email address</label>
      {props.children ? (
        <p class="hint" id="email-hint">
          {props.children}
        </p>
      ) : null}
      {props.error ? (
        <p class="hint" id="email-error">
          {props.error}
        </p>
      ) : null}
      <input
        type="email"
        id="email"
        name="email"
        autocomplete={props.autocomplete}
        spellcheck={false}
        required
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
    </div>
  );
}

/** Topic checkboxes and frequency radios (one form per page: the ids are fixed). */
export function Choices(props: {
  topics: TopicOption[];
  selected: readonly string[];
  frequency: Frequency;
  errors: FieldErrors;
}) {
  return (
    <>
      <fieldset id="field-topics" aria-describedby={props.errors.topics ? 'topics-error' : undefined}>
        <legend>Topics</legend>
        {props.errors.topics ? (
          <p class="hint" id="topics-error">
            {props.errors.topics}
          </p>
        ) : null}
        {props.topics.map((topic) => (
          <Choice type="checkbox" name="topics" value={topic.id} checked={props.selected.includes(topic.id)}>
            {topic.title}
          </Choice>
        ))}
      </fieldset>
      <fieldset id="field-frequency">
        <legend>How often</legend>
        {FREQUENCY_OPTIONS.map((option) => (
          <Choice type="radio" name="frequency" value={option.id} checked={props.frequency === option.id}>
            {option.label} <span class="hint">({option.hint})</span>
          </Choice>
        ))}
      </fieldset>
    </>
  );
}

export interface SubscribeProps {
  organisation: string;
  topics: TopicOption[];
  csrf: string;
  values: { email: string; topics: string[]; frequency: Frequency };
  errors: FieldErrors;
}

export function SubscribePage(props: SubscribeProps) {
  return (
    <Layout title="Subscribe" organisation={props.organisation} narrow>
      <h1>Get policy alerts by email</h1>
      <p class="lead">
        Choose the topics you care about. We check legislation.gov.uk, GOV.UK, Parliament and sector sites,
        and email you when something changes.
      </p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/subscribe" novalidate>
        <input type="hidden" name="csrf" value={props.csrf} />
        <EmailField value={props.values.email} autocomplete="email">
          We send a link to confirm it is yours. Nothing arrives until you confirm.
        </EmailField>
        <Choices
          topics={props.topics}
          selected={props.values.topics}
          frequency={props.values.frequency}
          errors={props.errors}
        />
        <button type="submit">Subscribe</button>
      </form>
      <h2>Or follow a topic in a feed reader</h2>
      <p>Each topic is an Atom feed of its newest alerts; no email needed.</p>
      <ul>
        {props.topics.map((topic) => (
          <li>
            <a href={`/api/topics/${encodeURIComponent(topic.id)}/alerts.atom`} type="application/atom+xml">
              {topic.title}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function ConfirmPage(props: { organisation: string; action: string; email: string; choice: string }) {
  return (
    <Layout title="Confirm your subscription" organisation={props.organisation} narrow>
      <h1>Confirm your subscription</h1>
      <p class="lead">
        Confirm that <strong>{props.email}</strong> should receive {props.choice}.
      </p>
      <form method="post" action={props.action}>
        <button type="submit">Confirm subscription</button>
      </form>
    </Layout>
  );
}

export interface ManageProps {
  organisation: string;
  action: string;
  csrf: string;
  email: string;
  status: string;
  topics: TopicOption[];
  selected: string[];
  frequency: Frequency;
  errors: FieldErrors;
  saved: boolean;
}

export function ManagePage(props: ManageProps) {
  return (
    <Layout title="Manage your subscription" organisation={props.organisation} narrow>
      <h1>Manage your subscription</h1>
      <p class="lead">
        For <strong>{props.email}</strong> · status: {props.status}
      </p>
      {props.saved ? <Notice>Your choices are saved.</Notice> : null}
      <ErrorSummary errors={props.errors} />
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="action" value="update" />
        <Choices
          topics={props.topics}
          selected={props.selected}
          frequency={props.frequency}
          errors={props.errors}
        />
        <button type="submit">Save changes</button>
      </form>
      <h2>Stop all emails</h2>
      <UnsubscribeForm action={props.action} fields={{ csrf: props.csrf, action: 'unsubscribe' }} />
    </Layout>
  );
}

/** The Unsubscribe button: a POST to `action` with `fields` as hidden inputs, in that order. */
function UnsubscribeForm(props: { action: string; fields: Record<string, string> }) {
  return (
    <form method="post" action={props.action}>
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class="danger">
        Unsubscribe
      </button>
    </form>
  );
}

export function UnsubscribePage(props: {
  organisation: string;
  action: string;
  email: string;
  status: SubscriberStatus;
}) {
  // Someone who already left (or whose address bounced) is told so, not offered the button again.
  if (props.status === 'unsubscribed' || props.status === 'suppressed') {
    return (
      <Layout title="Already unsubscribed" organisation={props.organisation} narrow>
        <h1>Already unsubscribed</h1>
        <p class="lead">
          We send nothing to <strong>{props.email}</strong>.
        </p>
        <p>
          <a href="/subscribe">Subscribe again</a>
        </p>
      </Layout>
    );
  }
  return (
    <Layout title="Unsubscribe" organisation={props.organisation} narrow>
      <h1>Unsubscribe</h1>
      <p class="lead">
        Stop sending policy alerts to <strong>{props.email}</strong>?
      </p>
      <UnsubscribeForm action={props.action} fields={{ 'List-Unsubscribe': 'One-Click' }} />
    </Layout>
  );
}
