/**
 * @module Staff API (docs/contract.md §6): factsheets and their review, subscriber administration. Every
 * route here sits behind the staff key (see app.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Subscriber } from '../../domain/types.ts';
import { type FactsheetView, listFactsheets, reviewFactsheet } from '../../services/factsheets.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import {
  createConfirmedSubscriber,
  deleteSubscriber,
  listSubscribers,
  SubscriptionInputError,
} from '../../services/subscriptions.ts';
import { alertViews } from '../alert-view.ts';
import { apiError, invalid, MAX_EMAIL_LENGTH } from '../errors.ts';
import { type AppEnv, errors, json, newApi, staffSecurity } from '../openapi.ts';
import {
  FactsheetSchema,
  listOf,
  ReviewRequestSchema,
  SubscriberSchema,
  SubscriptionRequestSchema,
} from '../schemas.ts';

const staff = { tags: ['staff'], security: staffSecurity };
const common = { 401: errors[401] };

const listSheets = createRoute({
  method: 'get',
  path: '/factsheets',
  ...staff,
  summary: 'Factsheets with staleness and evidence',
  request: {
    query: z.object({
      stale: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'only stale (true) or only fresh (false) factsheets' }),
    }),
  },
  responses: {
    200: json(
      listOf(FactsheetSchema),
      'Factsheets: high severity first, then normal, then not stale; earliest staleSince first',
    ),
    400: errors[400],
    ...common,
  },
});

const factsheetParams = z.object({ id: z.string().min(1) });

const review = createRoute({
  method: 'post',
  path: '/factsheets/{id}/review',
  ...staff,
  summary: 'Record a review (default: now)',
  request: {
    params: factsheetParams,
    body: { required: false, content: { 'application/json': { schema: ReviewRequestSchema } } },
  },
  responses: {
    200: json(FactsheetSchema, 'The factsheet after the review'),
    400: errors[400],
    404: errors[404],
    409: errors[409],
    ...common,
  },
});

const listSubs = createRoute({
  method: 'get',
  path: '/subscribers',
  ...staff,
  summary: 'Every subscriber, whatever the status',
  responses: { 200: json(listOf(SubscriberSchema), 'Subscribers by address'), ...common },
});

const createSub = createRoute({
  method: 'post',
  path: '/subscribers',
  ...staff,
  summary: 'Create a confirmed subscriber (they get a notice with manage and unsubscribe links)',
  request: {
    body: { required: true, content: { 'application/json': { schema: SubscriptionRequestSchema } } },
  },
  responses: { 201: json(SubscriberSchema, 'Created'), 400: errors[400], 409: errors[409], ...common },
});

const deleteSub = createRoute({
  method: 'delete',
  path: '/subscribers/{email}',
  ...staff,
  summary: 'Erase a subscriber and their delivery records',
  request: { params: z.object({ email: z.string().min(1) }) },
  responses: { 204: { description: 'Erased' }, 404: errors[404], ...common },
});

export function subscriberView(subscriber: Subscriber) {
  const { email, topics, frequency, status, createdAt, confirmedAt } = subscriber;
  return { email, topics, frequency, status, createdAt, confirmedAt };
}

/**
 * A factsheet as the API shows it: its evidence as Alert documents with their judgements, each
 * with `because`.
 */
async function factsheetView(deps: ServiceDeps, sheet: FactsheetView) {
  const { citationsRead: _internal, ...rest } = sheet;
  const views = await alertViews(deps, sheet.evidence);
  return {
    ...rest,
    citations: sheet.citations.map((citation) => ({ ...citation })),
    evidence: sheet.evidence.map((alert, index) => ({ ...views[index]!, because: alert.because })),
  };
}

/**
 * Every review field is optional, so `curl -X POST -H 'Content-Type: application/json'` with no
 * body means "reviewed now", not malformed JSON: an empty body is read as `{}`.
 */
const emptyJsonIsEmptyObject: MiddlewareHandler = async (c, next) => {
  const raw = c.req.raw;
  if (
    c.req.method === 'POST' &&
    /^application\/json/i.test(c.req.header('content-type') ?? '') &&
    (await raw.clone().text()).trim() === ''
  ) {
    const headers = new Headers(raw.headers);
    headers.delete('content-length');
    c.req.raw = new Request(raw.url, { method: raw.method, headers, body: '{}' });
  }
  await next();
};

export function staffRoutes(deps: ServiceDeps): OpenAPIHono<AppEnv> {
  const app = newApi();
  app.use('/factsheets/:id/review', emptyJsonIsEmptyObject);
  return app
    .openapi(listSheets, async (c) => {
      const { stale } = c.req.valid('query');
      const filter = stale === undefined ? {} : { stale: stale === 'true' };
      const sheets = await listFactsheets(deps, filter);
      return c.json({ items: await Promise.all(sheets.map((sheet) => factsheetView(deps, sheet))) }, 200);
    })
    .openapi(review, async (c) => {
      const { id } = c.req.valid('param');
      // The body is optional: a bare POST records "reviewed now".
      const body = (c.req.valid('json') as z.output<typeof ReviewRequestSchema> | undefined) ?? {};
      const result = await reviewFactsheet(deps, id, body);
      if (result.ok) return c.json(await factsheetView(deps, result.factsheet), 200);
      if (result.error === 'not_found') return apiError(c, 'not_found', result.message);
      if (result.error === 'conflict') return apiError(c, 'conflict', result.message);
      return invalid(c, [{ path: result.path, message: result.message }]);
    })
    .openapi(listSubs, async (c) => {
      const items = (await listSubscribers(deps)).map(subscriberView);
      return c.json({ items }, 200);
    })
    .openapi(createSub, async (c) => {
      const input = c.req.valid('json');
      try {
        const result = await createConfirmedSubscriber(deps, input);
        if (result.status === 'exists')
          return apiError(c, 'conflict', 'a subscriber with this address exists');
        return c.json(subscriberView(result.subscriber), 201);
      } catch (error) {
        if (error instanceof SubscriptionInputError) return invalid(c, error.details);
        throw error;
      }
    })
    .openapi(deleteSub, async (c) => {
      const { email } = c.req.valid('param');
      // No address is longer than RFC 5321 allows; a longer one is simply absent.
      const deleted =
        email.length <= MAX_EMAIL_LENGTH && (await deleteSubscriber(deps, email.trim().toLowerCase()));
      if (!deleted) return apiError(c, 'not_found', 'no subscriber with this address');
      return c.body(null, 204);
    });
}
