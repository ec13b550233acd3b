/**
 * @module The dashboard's feedback forms: POST a judgement (redirects back to where it was made)
 * and POST a missed publication (redirects with a confirmation, or shows the form again with
 * what to fix, 400). Also the data the dashboard needs for its feedback parts.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Alert } from '../../domain/types.ts';
import { judgeAlert, judgedOf, qualityOf, reportMissed } from '../../services/feedback.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { issueCsrf, verifyCsrf } from '../csrf.ts';
import type { AppEnv } from '../openapi.ts';
import type { DashboardFeedback, MissedFormState } from '../pages/feedback.tsx';
import { MessagePage } from '../pages/message.tsx';

/** Most alerts listed behind one false term (the API has the full feedback). */
const FALSE_TERM_ALERTS = 100;

type Purpose = 'judge' | 'missed';

export function csrfScope(deps: ServiceDeps, key: string, purpose: Purpose) {
  return { secret: deps.signingSecret, subject: `staff:${key}`, purpose };
}

/** Only ever back to the dashboard itself: a form field must not redirect elsewhere. */
export function safeBack(back: unknown): URL {
  const url = new URL('http://dashboard.invalid/staff');
  if (typeof back !== 'string' || !back.startsWith('/staff')) return url;
  try {
    const parsed = new URL(back, 'http://dashboard.invalid');
    if (parsed.origin === url.origin && parsed.pathname === '/staff') url.search = parsed.search;
    // The flash of the last form is not carried into the next one's.
    for (const flash of ['judged', 'missed', 'reviewed', 'error']) url.searchParams.delete(flash);
  } catch {
    // Not a URL: the plain dashboard.
  }
  return url;
}

const relative = (url: URL) => `${url.pathname}${url.search}${url.hash}`;

/** Alerts judged not relevant for `topic` whose matched terms include `term`, newest first. */
export async function falseTermAlerts(deps: ServiceDeps, topic: string, term: string): Promise<Alert[]> {
  const { judgements } = await deps.store.feedback.all(topic);
  const ids = judgements
    .filter((judgement) => !judgement.relevant && judgement.terms.includes(term))
    .map((judgement) => judgement.alertId);
  const alerts = await Promise.all(ids.slice(0, FALSE_TERM_ALERTS).map((id) => deps.store.alerts.get(id)));
  return alerts
    .filter((alert): alert is Alert => alert !== null)
    .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt) || b.id.localeCompare(a.id));
}

export async function dashboardFeedback(
  deps: ServiceDeps,
  key: string,
  input: {
    alerts: Alert[];
    back: string;
    falseTerm: DashboardFeedback['falseTerm'];
    missedForm?: MissedFormState;
  },
): Promise<DashboardFeedback> {
  const now = deps.clock.now();
  const topics = deps.config.topics.map(({ id, title, query }) => ({ id, title, query }));
  const [judged, quality, csrfJudge, csrfMissed] = await Promise.all([
    judgedOf(deps, input.alerts),
    Promise.all(topics.map((topic) => qualityOf(deps, topic.id))),
    issueCsrf(csrfScope(deps, key, 'judge'), now),
    issueCsrf(csrfScope(deps, key, 'missed'), now),
  ]);
  return {
    judged: Object.fromEntries(judged),
    csrfJudge,
    csrfMissed,
    back: input.back,
    topics,
    quality: quality.filter((q) => q !== null),
    falseTerm: input.falseTerm,
    ...(input.missedForm ? { missedForm: input.missedForm } : {}),
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** `render` shows the dashboard with the missed form filled in again and its errors (400). */
export function staffFeedbackPageRoutes(
  deps: ServiceDeps,
  render: (c: Context<AppEnv>, missedForm: MissedFormState) => Promise<Response>,
): Hono<AppEnv> {
  const organisation = deps.config.organisation.name;
  const app = new Hono<AppEnv>();

  app.post('/alerts/:id/feedback', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const key = c.get('staffKey') ?? '';
    const back = safeBack(form.back);
    if (!(await verifyCsrf(csrfScope(deps, key, 'judge'), form.csrf, deps.clock.now()))) {
      back.searchParams.set('error', 'csrf');
      return c.redirect(relative(back), 303);
    }
    const relevant = form.relevant === 'true' ? true : form.relevant === 'false' ? false : null;
    const result =
      relevant === null ? null : await judgeAlert(deps, id, { topic: text(form.topic), relevant });
    if (result && !result.ok && result.error === 'not_found') {
      return c.html(MessagePage({ organisation, title: 'Not found', body: 'There is no such alert.' }), 404);
    }
    back.searchParams.set(result?.ok ? 'judged' : 'error', result?.ok ? id : 'judge');
    back.hash = `alert-${id}`;
    return c.redirect(relative(back), 303);
  });

  app.post('/feedback/missed', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const key = c.get('staffKey') ?? '';
    if (!(await verifyCsrf(csrfScope(deps, key, 'missed'), form.csrf, deps.clock.now()))) {
      return c.redirect('/staff?error=csrf#missed', 303);
    }
    const topics = [form.topics ?? []].flat().filter((topic): topic is string => typeof topic === 'string');
    const values = {
      title: text(form.title),
      url: text(form.url),
      summary: text(form.summary),
      topics,
    };
    const result = await reportMissed(deps, { ...values, summary: values.summary || undefined });
    if (result.ok) return c.redirect('/staff?missed=1#missed', 303);
    c.status(400);
    return render(c, { values, errors: result.details });
  });
  return app;
}
