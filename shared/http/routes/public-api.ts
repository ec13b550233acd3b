/**
 * @module Public read-only API (docs/contract.md §6): health, sources, topics, alerts. Alerts derive from
 * public sources, so these need no key and allow any origin (CORS is set in app.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { TypedResponse } from 'hono';
import type { AlertQuery } from '../../domain/ports.ts';
import { parseInstant } from '../../domain/time.ts';
import { allSources } from '../../services/cited-sources.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { DEGRADED_AFTER_FAILURES, sourceHealth } from '../../services/source-health.ts';
import { alertViews } from '../alert-view.ts';
import { apiError, type ErrorDetail, invalid, MAX_ID_LENGTH } from '../errors.ts';
import type { ListingCache } from '../listing-cache.ts';
import { type AppEnv, errors, json, newApi, notModified } from '../openapi.ts';
import {
  AlertPageSchema,
  AlertSchema,
  HealthSchema,
  listOf,
  PAGE_QUERY,
  SourceSchema,
  TopicSchema,
} from '../schemas.ts';

/** docs/contract.md §6: a source is degraded from its third consecutive failure. */

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['public'],
  summary: 'Service health: degraded when a source has failed 3+ times in a row',
  responses: { 200: json(HealthSchema, 'Health'), 503: errors[503] },
});

const sources = createRoute({
  method: 'get',
  path: '/sources',
  tags: ['public'],
  summary: 'Configured sources with their last poll',
  responses: { 200: json(listOf(SourceSchema), 'Sources in config order') },
});

const topics = createRoute({
  method: 'get',
  path: '/topics',
  tags: ['public'],
  summary: 'Tracked topics',
  responses: { 200: json(listOf(TopicSchema), 'Topics in config order') },
});

const stringOrList = z.union([z.string(), z.array(z.string())]);

const alertsQuery = z.object({
  topic: stringOrList.optional().openapi({
    description: 'topic id; repeat for any of several (at most 20)',
    param: { style: 'form', explode: true },
  }),
  source: z.string().optional().openapi({ description: 'source id' }),
  since: z
    .string()
    .optional()
    .openapi({ description: 'inclusive lower bound on changedAt (date or instant)' }),
  until: z
    .string()
    .optional()
    .openapi({ description: 'exclusive upper bound on changedAt (date or instant)' }),
  ...PAGE_QUERY,
});

const alerts = createRoute({
  method: 'get',
  path: '/alerts',
  tags: ['public'],
  summary: 'Alerts, newest detection first, cursor-paged',
  request: { query: alertsQuery },
  responses: { 200: json(AlertPageSchema, 'One page of alerts'), 304: notModified, 400: errors[400] },
});

/** What the listing cache answers with: the page document serialised (or a 304). */
type AlertPageResponse = TypedResponse<z.infer<typeof AlertPageSchema>, 200, 'json'>;

const alertById = createRoute({
  method: 'get',
  path: '/alerts/{id}',
  tags: ['public'],
  summary: 'One alert',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: { 200: json(AlertSchema, 'The alert'), 404: errors[404] },
});

/**
 * An unencoded `+01:00` offset arrives as ` 01:00` (a `+` in a query string is a space): read it
 * as the offset the caller wrote rather than refusing it.
 */
export function restorePlus(text: string): string {
  return text.replace(/^(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}(?::?\d{2})?)$/, '$1+$2');
}

function isInvalidCursor(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidCursorError';
}

/** Repeated `topic=` values accepted in one listing request. */
export const MAX_TOPIC_FILTERS = 20;
const TOPIC_ID = /^[a-z0-9-]+$/;

export function publicRoutes(deps: ServiceDeps, listings: ListingCache): OpenAPIHono<AppEnv> {
  const zone = deps.config.digests.timezone;

  /** Known = configured, or still present in stored data (removed ids stay queryable, docs/contract.md §2). */
  async function knownTopic(id: string): Promise<boolean> {
    if (deps.config.topics.some((topic) => topic.id === id)) return true;
    // Not an id any config could have held: no need to ask the store.
    if (id.length > MAX_ID_LENGTH || !TOPIC_ID.test(id)) return false;
    return (await deps.store.alerts.list({ topics: [id], limit: 1 })).items.length > 0;
  }
  async function knownSource(id: string): Promise<boolean> {
    if ((await allSources(deps)).sources.some((source) => source.id === id)) return true;
    if (await deps.store.sources.get(id)) return true;
    return (await deps.store.alerts.list({ source: id, limit: 1 })).items.length > 0;
  }

  return newApi()
    .openapi(health, async (c) => {
      let states: Awaited<ReturnType<typeof deps.store.sources.list>>;
      try {
        await deps.store.ping();
        states = await deps.store.sources.list();
      } catch (error) {
        deps.logger.log('error', 'health: store unreachable', { error });
        return c.json({ error: { code: 'internal' as const, message: 'the store is unreachable' } }, 503);
      }
      const items = (await sourceHealth(deps, states)).map(({ id, lastStatus, consecutiveFailures }) => ({
        id,
        lastStatus,
        consecutiveFailures,
      }));
      const degraded = items.some((item) => item.consecutiveFailures >= DEGRADED_AFTER_FAILURES);
      return c.json({ status: degraded ? ('degraded' as const) : ('ok' as const), sources: items }, 200);
    })
    .openapi(sources, async (c) => {
      const items = (await sourceHealth(deps)).map(({ httpStatus: _httpStatus, ...source }) => source);
      return c.json({ items }, 200);
    })
    .openapi(topics, (c) =>
      c.json({ items: deps.config.topics.map(({ id, title, query }) => ({ id, title, query })) }, 200),
    )
    .openapi(alerts, async (c) => {
      const input = c.req.valid('query');
      const topicIds = input.topic === undefined ? [] : [input.topic].flat();
      // Each id not in the config costs a store read (removed topics stay queryable): bound them.
      if (topicIds.length > MAX_TOPIC_FILTERS) {
        return invalid(c, [
          {
            path: 'topic',
            message: `at most ${MAX_TOPIC_FILTERS} topic values per request (got ${topicIds.length})`,
          },
        ]);
      }
      const details: ErrorDetail[] = [];
      const checks = new Map<string, Promise<boolean>>();
      for (const id of topicIds) if (!checks.has(id)) checks.set(id, knownTopic(id));
      for (const [index, id] of topicIds.entries()) {
        if (!(await checks.get(id))) {
          details.push({
            path: topicIds.length > 1 ? `topic[${index}]` : 'topic',
            message: `unknown topic "${id}"`,
          });
        }
      }
      if (input.source !== undefined && !(await knownSource(input.source))) {
        details.push({ path: 'source', message: `unknown source "${input.source}"` });
      }
      const query: AlertQuery = { limit: input.limit, cursor: input.cursor ?? null };
      if (topicIds.length > 0) query.topics = topicIds;
      if (input.source !== undefined) query.source = input.source;
      for (const key of ['since', 'until'] as const) {
        const text = input[key];
        if (text === undefined) continue;
        const parsed = parseInstant(restorePlus(text.trim()), zone);
        if (parsed) query[key] = parsed.toISOString();
        else details.push({ path: key, message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' });
      }
      if (input.cursor !== undefined && input.cursor === '') {
        details.push({ path: 'cursor', message: 'must not be empty' });
      }
      if (details.length > 0) return invalid(c, details);
      // Keyed by the query as read, so spellings of the same query share one response.
      const response = listings.respond(
        c,
        `alerts:${JSON.stringify(query)}`,
        'application/json',
        async () => {
          try {
            const page = await deps.store.alerts.list(query);
            const document = { items: await alertViews(deps, page.items), nextCursor: page.nextCursor };
            return JSON.stringify(document satisfies z.infer<typeof AlertPageSchema>);
          } catch (error) {
            if (isInvalidCursor(error))
              return invalid(c, [{ path: 'cursor', message: 'not a cursor this API issued' }]);
            throw error;
          }
        },
      );
      // The body is the AlertPageSchema document built above, kept as text.
      return (await response) as unknown as AlertPageResponse;
    })
    .openapi(alertById, async (c) => {
      const { id } = c.req.valid('param');
      // Alert ids are 24 characters; an over-long one is simply not there (and too big for a key).
      const alert = id.length > MAX_ID_LENGTH ? null : await deps.store.alerts.get(id);
      if (!alert) return apiError(c, 'not_found', 'no such alert');
      const [view] = await alertViews(deps, [alert]);
      return c.json(view!, 200);
    });
}
