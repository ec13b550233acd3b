/**
 * @module The staff subscribers page, mounted under `/staff/subscribers` behind the staff page
 * guard: `GET /` lists, `POST /` adds a confirmed subscriber (who gets the notice email), and
 * `POST /remove` erases one in two steps (a confirmation page, then a form bound to that address).
 *
 * Every POST carries a CSRF token bound to the staff key and the action. Flash messages name no
 * address: URLs end up in access logs and browser history, and addresses are personal data.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ServiceDeps } from '../../services/service-deps.ts';
import {
  createConfirmedSubscriber,
  deleteSubscriber,
  listSubscribers,
  normaliseEmail,
  SubscriptionInputError,
} from '../../services/subscriptions.ts';
import { issueCsrf, verifyCsrf } from '../csrf.ts';
import { type Form, frequencyOf, strings } from '../forms.ts';
import type { AppEnv } from '../openapi.ts';
import { RemoveSubscriberPage, SubscribersPage, type SubscribersProps } from '../pages/staff-subscribers.tsx';
import type { FieldErrors } from '../pages/subscription-pages.tsx';

type Values = SubscribersProps['values'];

const PAGE = '/staff/subscribers';
/** Longest address the rules accept; anything longer cannot be stored, so is never looked up. */
const MAX_EMAIL = 254;

/** Staff-facing wording for the service's `{path, message}` details. */
function fieldErrors(details: { path: string; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of details) {
    if (detail.path === 'email') errors.email ??= 'Enter a valid email address';
    else if (detail.path === 'topics') errors.topics ??= 'Choose at least one topic';
    else if (detail.path.startsWith('topics[')) errors.topics ??= 'Choose topics from the list';
    else if (detail.path === 'frequency') errors.frequency ??= 'Choose how often';
    else errors.form ??= detail.message;
  }
  return errors;
}

const FLASH: Record<string, SubscribersProps['flash']> = {
  'added=1': {
    kind: 'ok',
    text: 'Subscriber added. They have been emailed a notice with links to change or stop it.',
  },
  'added=unsent': {
    kind: 'error',
    text: 'Subscriber added, but the notice email could not be sent (the error has been logged).',
  },
  'removed=1': { kind: 'ok', text: 'Subscriber removed: the record is erased.' },
  'error=csrf': { kind: 'error', text: 'The form had expired. Please try again.' },
  'error=gone': { kind: 'error', text: 'That subscriber had already been removed.' },
};

function flashFrom(query: Record<string, string>): SubscribersProps['flash'] {
  for (const [name, value] of Object.entries(query)) {
    const flash = FLASH[`${name}=${value}`];
    if (flash) return flash;
  }
  return null;
}

export function staffSubscriberRoutes(deps: ServiceDeps): Hono<AppEnv> {
  const organisation = deps.config.organisation.name;
  const zone = deps.config.digests.timezone;
  const topics = deps.config.topics.map(({ id, title }) => ({ id, title }));
  const scope = (c: Context<AppEnv>, purpose: string) => ({
    secret: deps.signingSecret,
    subject: `staff:${c.get('staffKey') ?? ''}`,
    purpose,
  });
  const removeScope = (c: Context<AppEnv>, email: string) => scope(c, `subscribers:remove:${email}`);
  const app = new Hono<AppEnv>();

  const render = async (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: 200 | 400 | 409) => {
    const now = deps.clock.now();
    const [subscribers, add, remove] = await Promise.all([
      listSubscribers(deps),
      issueCsrf(scope(c, 'subscribers:add'), now),
      issueCsrf(scope(c, 'subscribers:remove'), now),
    ]);
    const props: SubscribersProps = {
      organisation,
      zone,
      topics,
      subscribers,
      csrf: { add, remove },
      values,
      errors,
      flash: status === 200 ? flashFrom(c.req.query()) : null,
    };
    return c.html(`<!doctype html>${SubscribersPage(props)}`, status);
  };

  app.get('/', (c) => render(c, { email: '', topics: [], frequency: 'weekly' }, {}, 200));

  app.post('/', async (c) => {
    const form: Form = await c.req.parseBody({ all: true });
    if (!(await verifyCsrf(scope(c, 'subscribers:add'), strings(form.csrf)[0], deps.clock.now()))) {
      return c.redirect(`${PAGE}?error=csrf`, 303);
    }
    const email = strings(form.email)[0] ?? '';
    const chosen = strings(form.topics);
    const frequency = frequencyOf(form.frequency);
    const values: Values = { email, topics: chosen, frequency: frequency ?? 'weekly' };
    if (!frequency) return render(c, values, { frequency: 'Choose how often' }, 400);
    try {
      const result = await createConfirmedSubscriber(deps, { email, topics: chosen, frequency });
      if (result.status === 'exists') {
        const message = `${normaliseEmail(email)} is already a subscriber (see the table). To change their choices, remove them and add them again.`;
        return render(c, values, { email: message }, 409);
      }
      return c.redirect(`${PAGE}?added=${result.noticeSent ? '1' : 'unsent'}`, 303);
    } catch (error) {
      if (!(error instanceof SubscriptionInputError)) throw error;
      return render(c, values, fieldErrors(error.details), 400);
    }
  });

  app.post('/remove', async (c) => {
    const form: Form = await c.req.parseBody({ all: true });
    const email = normaliseEmail(strings(form.email)[0] ?? '');
    const confirmed = strings(form.confirm)[0] === 'yes';
    const token = strings(form.csrf)[0];
    const expected = confirmed ? removeScope(c, email) : scope(c, 'subscribers:remove');
    if (!(await verifyCsrf(expected, token, deps.clock.now()))) {
      return c.redirect(`${PAGE}?error=csrf`, 303);
    }
    if (email === '' || email.length > MAX_EMAIL) return c.redirect(`${PAGE}?error=gone`, 303);
    if (!confirmed) {
      const subscriber = await deps.store.subscribers.get(email);
      if (!subscriber) return c.redirect(`${PAGE}?error=gone`, 303);
      const csrf = await issueCsrf(removeScope(c, email), deps.clock.now());
      return c.html(`<!doctype html>${RemoveSubscriberPage({ organisation, subscriber, csrf })}`);
    }
    const removed = await deleteSubscriber(deps, email);
    return c.redirect(`${PAGE}?${removed ? 'removed=1' : 'error=gone'}`, 303);
  });
  return app;
}
