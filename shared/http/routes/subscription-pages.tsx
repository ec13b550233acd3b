/**
 * @module Subscriber pages (docs/contract.md §6): `/` and `/subscribe` (form), `/subscriptions/confirm`,
 * `/manage`, `/unsubscribe`. GETs only render; POSTs act. The email token in the URL is a
 * secret capability, so confirm and one-click unsubscribe need nothing more (RFC 8058); the
 * subscribe and manage forms also carry a CSRF token.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Frequency, Subscriber } from '../../domain/types.ts';
import type { TokenPurpose } from '../../mail/tokens.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import {
  checkToken,
  confirmSubscription,
  RateLimitedError,
  requestSubscription,
  SubscriptionInputError,
  subscriberLinks,
  type TokenFailureReason,
  unsubscribe,
  updateSubscription,
} from '../../services/subscriptions.ts';
import type { ClientAddress } from '../client-address.ts';
import { issueCsrf, verifyCsrf } from '../csrf.ts';
import { type Form, frequencyOf, strings } from '../forms.ts';
import type { AppEnv } from '../openapi.ts';
import { MessagePage } from '../pages/message.tsx';
import {
  ConfirmPage,
  type FieldErrors,
  ManagePage,
  SubscribePage,
  UnsubscribePage,
} from '../pages/subscription-pages.tsx';

function fieldErrors(details: { path: string; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of details) {
    const field = detail.path.split(/[.[]/)[0];
    if (field === 'email' || field === 'topics' || field === 'frequency')
      errors[field] ??= `${field}: ${detail.message}`;
    else errors.form ??= detail.message;
  }
  return errors;
}

const PHRASE: Record<Frequency, string> = {
  immediate: 'alerts as they happen',
  daily: 'a daily digest',
  weekly: 'a weekly digest',
};

function describe(deps: ServiceDeps, topics: readonly string[], frequency: Frequency | undefined): string {
  const titles = deps.config.topics.filter((topic) => topics.includes(topic.id)).map((topic) => topic.title);
  const how = frequency ? PHRASE[frequency] : 'alerts';
  return `${how} about ${titles.join(', ') || 'the topics you chose'}`;
}

/** Same-origin path of one of our absolute links (PUBLIC_URL may differ from the request host). */
function local(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

export function subscriberPageRoutes(deps: ServiceDeps, clientAddress: ClientAddress): Hono<AppEnv> {
  const organisation = deps.config.organisation.name;
  const topics = deps.config.topics.map(({ id, title }) => ({ id, title }));
  const app = new Hono<AppEnv>();
  const subscribeScope = { secret: deps.signingSecret, subject: 'public', purpose: 'subscribe' };
  const manageScope = (token: string) => ({
    secret: deps.signingSecret,
    subject: `manage:${token}`,
    purpose: 'manage',
  });

  const tokenFailure = (c: Context, reason: TokenFailureReason) => {
    const gone = reason === 'expired' || reason === 'revoked';
    const body = gone
      ? reason === 'expired'
        ? 'This link has expired. Links to confirm a subscription last 7 days: please subscribe again.'
        : 'This link no longer works because the subscription was changed or removed.'
      : 'This link is not valid. Please use the whole link from the email.';
    return c.html(
      MessagePage({
        organisation,
        title: gone ? 'Link no longer valid' : 'Invalid link',
        body,
        link: { href: '/subscribe', text: 'Subscribe again' },
      }),
      gone ? 410 : 400,
    );
  };
  const tokenOf = (c: Context) => c.req.query('token') ?? '';
  const actionFor = (path: string, token: string) => `${path}?token=${encodeURIComponent(token)}`;

  const renderSubscribe = async (
    c: Context,
    values: { email: string; topics: string[]; frequency: Frequency },
    errors: FieldErrors,
    status: 200 | 400 | 429,
  ) => {
    const csrf = await issueCsrf(subscribeScope, deps.clock.now());
    return c.html(`<!doctype html>${SubscribePage({ organisation, topics, csrf, values, errors })}`, status);
  };
  const blank = () => {
    return { email: '', topics: [] as string[], frequency: 'weekly' as Frequency };
  };

  app.get('/', (c) => renderSubscribe(c, blank(), {}, 200));
  app.get('/subscribe', (c) => {
    const preselected = c.req.queries('topic')?.filter((id) => topics.some((topic) => topic.id === id)) ?? [];
    return renderSubscribe(c, { ...blank(), topics: preselected }, {}, 200);
  });
  app.post('/subscribe', async (c) => {
    const form: Form = await c.req.parseBody({ all: true });
    const values = {
      email: strings(form.email)[0] ?? '',
      topics: strings(form.topics),
      frequency: frequencyOf(form.frequency) ?? 'weekly',
    };
    if (!(await verifyCsrf(subscribeScope, strings(form.csrf)[0], deps.clock.now()))) {
      return renderSubscribe(c, values, { form: 'The form had expired. Please send it again.' }, 400);
    }
    try {
      await requestSubscription(deps, { ...values, client: clientAddress(c) });
    } catch (error) {
      if (error instanceof SubscriptionInputError)
        return renderSubscribe(c, values, fieldErrors(error.details), 400);
      if (error instanceof RateLimitedError) {
        c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
        return renderSubscribe(c, values, { form: 'Too many requests. Please try again later.' }, 429);
      }
      throw error;
    }
    return c.html(
      MessagePage({
        organisation,
        title: 'Check your email',
        body: `We have sent a link to ${values.email.trim()}. Open it to confirm your subscription; it works for 7 days.`,
      }),
    );
  });

  const checked = async (c: Context, purpose: TokenPurpose) => checkToken(deps, tokenOf(c), purpose);

  app.get('/subscriptions/confirm', async (c) => {
    const check = await checked(c, 'confirm');
    if (!check.ok) return tokenFailure(c, check.reason);
    const choice = describe(
      deps,
      check.payload.topics ?? check.subscriber.topics,
      check.payload.frequency ?? check.subscriber.frequency,
    );
    const action = actionFor('/subscriptions/confirm', tokenOf(c));
    return c.html(
      `<!doctype html>${ConfirmPage({ organisation, action, email: check.payload.email, choice })}`,
    );
  });
  app.post('/subscriptions/confirm', async (c) => {
    const result = await confirmSubscription(deps, tokenOf(c));
    if (!result.ok) return tokenFailure(c, result.reason);
    return c.html(
      MessagePage({
        organisation,
        title: 'Subscription confirmed',
        body: `${result.subscriber.email} will receive ${describe(deps, result.subscriber.topics, result.subscriber.frequency)}. Every email has links to change or stop it.`,
        link: {
          href: local(subscriberLinks(deps, result.subscriber).manage),
          text: 'Change topics or frequency',
        },
      }),
    );
  });

  const renderManage = async (
    c: Context,
    token: string,
    subscriber: Subscriber,
    extra: { errors?: FieldErrors; saved?: boolean; selected?: string[]; frequency?: Frequency },
    status: 200 | 400,
  ) => {
    const csrf = await issueCsrf(manageScope(token), deps.clock.now());
    return c.html(
      `<!doctype html>${ManagePage({
        organisation,
        action: actionFor('/manage', token),
        csrf,
        email: subscriber.email,
        status: subscriber.status,
        topics,
        selected: extra.selected ?? subscriber.topics,
        frequency: extra.frequency ?? subscriber.frequency,
        errors: extra.errors ?? {},
        saved: extra.saved ?? false,
      })}`,
      status,
    );
  };

  app.get('/manage', async (c) => {
    const check = await checked(c, 'manage');
    if (!check.ok) return tokenFailure(c, check.reason);
    return renderManage(c, tokenOf(c), check.subscriber, {}, 200);
  });
  app.post('/manage', async (c) => {
    const token = tokenOf(c);
    const check = await checkToken(deps, token, 'manage');
    if (!check.ok) return tokenFailure(c, check.reason);
    const form: Form = await c.req.parseBody({ all: true });
    if (!(await verifyCsrf(manageScope(token), strings(form.csrf)[0], deps.clock.now()))) {
      return renderManage(
        c,
        token,
        check.subscriber,
        { errors: { form: 'The form had expired. Please try again.' } },
        400,
      );
    }
    if (strings(form.action)[0] === 'unsubscribe') {
      const result = await unsubscribe(deps, token);
      if (!result.ok) return tokenFailure(c, result.reason);
      return c.html(
        MessagePage({
          organisation,
          title: 'You are unsubscribed',
          body: `We will send nothing more to ${result.subscriber.email}.`,
        }),
      );
    }
    const selected = strings(form.topics);
    const frequency = frequencyOf(form.frequency);
    if (!frequency) {
      return renderManage(
        c,
        token,
        check.subscriber,
        { selected, errors: { frequency: 'Choose how often' } },
        400,
      );
    }
    try {
      const result = await updateSubscription(deps, token, { topics: selected, frequency });
      if (!result.ok) return tokenFailure(c, result.reason);
      return renderManage(c, token, result.subscriber, { saved: true }, 200);
    } catch (error) {
      if (!(error instanceof SubscriptionInputError)) throw error;
      return renderManage(
        c,
        token,
        check.subscriber,
        { selected, frequency, errors: fieldErrors(error.details) },
        400,
      );
    }
  });

  app.get('/unsubscribe', async (c) => {
    const check = await checked(c, 'unsubscribe');
    if (!check.ok) return tokenFailure(c, check.reason);
    const action = actionFor('/unsubscribe', tokenOf(c));
    return c.html(
      `<!doctype html>${UnsubscribePage({
        organisation,
        action,
        email: check.subscriber.email,
        status: check.subscriber.status,
      })}`,
    );
  });
  app.post('/unsubscribe', async (c) => {
    const result = await unsubscribe(deps, tokenOf(c));
    if (!result.ok) return tokenFailure(c, result.reason);
    return c.html(
      MessagePage({
        organisation,
        title: 'You are unsubscribed',
        body: `We will send nothing more to ${result.subscriber.email}. You can subscribe again at any time.`,
        link: { href: '/subscribe', text: 'Subscribe again' },
      }),
    );
  });
  return app;
}
