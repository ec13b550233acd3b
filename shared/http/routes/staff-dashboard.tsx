/**
 * @module Staff pages: `GET /staff` (the dashboard) and the review form's POST, which redirects
 * back (303) with a confirmation; `/staff/subscribers` (staff-subscribers.tsx) behind the same
 * guard. Basic auth with the staff key as password; forms carry CSRF.
 */
import { type Context, Hono } from 'hono';
import { localDate } from '../../domain/cited-evidence.ts';
import type { Alert } from '../../domain/types.ts';
import { allSources } from '../../services/cited-sources.ts';
import { listFactsheets, reviewFactsheet } from '../../services/factsheets.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { sourceHealth } from '../../services/source-health.ts';
import { staffPages } from '../auth.ts';
import { issueCsrf, verifyCsrf } from '../csrf.ts';
import type { AppEnv } from '../openapi.ts';
import type { MissedFormState } from '../pages/feedback.tsx';
import { MessagePage } from '../pages/message.tsx';
import { Dashboard, type DashboardProps } from '../pages/staff-dashboard.tsx';
import { dashboardFeedback, falseTermAlerts, staffFeedbackPageRoutes } from './staff-feedback.tsx';
import { staffSubscriberRoutes } from './staff-subscribers.tsx';

const ALERTS_PER_PAGE = 25;

function flashFrom(deps: ServiceDeps, query: Record<string, string>): DashboardProps['flash'] {
  const sheet = deps.config.factsheets.find((candidate) => candidate.id === query.reviewed);
  if (sheet) return { kind: 'ok', text: `Marked “${sheet.title}” as reviewed.` };
  if (query.error === 'csrf') {
    return { kind: 'error', text: 'The form had expired. Please try again.' };
  }
  if (query.judged) return { kind: 'ok', text: 'Judgement recorded.' };
  if (query.missed) return { kind: 'ok', text: 'Missed publication recorded. Thank you.' };
  if (query.error === 'judge') {
    return { kind: 'error', text: 'That judgement was not recorded: choose one of the alert’s topics.' };
  }
  if (query.error === 'review') {
    return { kind: 'error', text: 'That review was not recorded: a later review already exists.' };
  }
  return null;
}

export function staffPageRoutes(deps: ServiceDeps): Hono<AppEnv> {
  const organisation = deps.config.organisation.name;
  const zone = deps.config.digests.timezone;
  const scope = (key: string, id: string) => ({
    secret: deps.signingSecret,
    subject: `staff:${key}`,
    purpose: `review:${id}`,
  });
  const app = new Hono<AppEnv>();
  app.use(
    '*',
    staffPages(deps.staffKeys, (c) =>
      c.html(
        MessagePage({
          organisation,
          title: 'Staff sign-in needed',
          body: 'Sign in with any user name and a staff key as the password.',
        }),
        401,
      ),
    ),
  );

  async function renderDashboard(c: Context<AppEnv>, missedForm?: MissedFormState): Promise<Response> {
    const key = c.get('staffKey') ?? '';
    const query: Record<string, string> = missedForm ? {} : c.req.query();
    const topic = deps.config.topics.some((t) => t.id === query.topic) ? query.topic! : null;
    const polled = (await allSources(deps)).sources;
    const source = polled.some((s) => s.id === query.source) ? query.source! : null;
    const falseTerm = topic && query.falseTerm ? { topic, term: query.falseTerm } : null;
    let page: { items: Alert[]; nextCursor: string | null } = { items: [], nextCursor: null };
    try {
      page = falseTerm
        ? { items: await falseTermAlerts(deps, falseTerm.topic, falseTerm.term), nextCursor: null }
        : await deps.store.alerts.list({
            limit: ALERTS_PER_PAGE,
            cursor: query.cursor || null,
            ...(topic ? { topics: [topic] } : {}),
            ...(source ? { source } : {}),
          });
    } catch (error) {
      if (!(error instanceof Error && error.name === 'InvalidCursorError')) throw error;
    }
    const [factsheets, sources] = await Promise.all([listFactsheets(deps), sourceHealth(deps)]);
    const now = deps.clock.now();
    const csrf: Record<string, string> = {};
    for (const sheet of factsheets) csrf[sheet.id] = await issueCsrf(scope(key, sheet.id), now);
    const props: DashboardProps = {
      organisation,
      zone,
      factsheets,
      csrf,
      alerts: page.items,
      nextCursor: page.nextCursor,
      filters: { topic, source },
      topics: deps.config.topics.map(({ id, title }) => ({ id, title })),
      sources,
      flash: missedForm
        ? { kind: 'error', text: 'The missed publication was not recorded: see the form below.' }
        : flashFrom(deps, query),
      today: localDate(now, zone),
      feedback: await dashboardFeedback(deps, key, {
        alerts: page.items,
        back: `/staff${new URL(c.req.url).search}`,
        falseTerm,
        ...(missedForm ? { missedForm } : {}),
      }),
    };
    return c.html(`<!doctype html>${Dashboard(props)}`);
  }

  app.get('/', (c) => renderDashboard(c));

  app.post('/factsheets/:id/review', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const key = c.get('staffKey') ?? '';
    if (!deps.config.factsheets.some((sheet) => sheet.id === id)) {
      return c.html(
        MessagePage({ organisation, title: 'Not found', body: 'There is no such factsheet.' }),
        404,
      );
    }
    if (!(await verifyCsrf(scope(key, id), form.csrf, deps.clock.now()))) {
      return c.redirect('/staff?error=csrf#factsheets', 303);
    }
    const note = typeof form.note === 'string' ? form.note : '';
    const result = await reviewFactsheet(deps, id, note.trim() ? { note } : {});
    if (!result.ok) return c.redirect('/staff?error=review#factsheets', 303);
    return c.redirect(`/staff?reviewed=${encodeURIComponent(id)}#factsheets`, 303);
  });
  app.route('/', staffFeedbackPageRoutes(deps, renderDashboard));
  // After the guard above, so the subscribers page needs the same staff key.
  app.route('/subscribers', staffSubscriberRoutes(deps));
  return app;
}
