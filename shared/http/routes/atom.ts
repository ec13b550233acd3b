/**
 * @module `GET /api/topics/{id}/alerts.atom`: the topic's 50 newest alerts as Atom 1.0, for feed
 * readers and intranets that would rather not take email.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Alert } from '../../domain/types.ts';
import { notRelevantTopics } from '../../services/feedback.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { renderAtom } from '../atom.ts';
import { apiError, MAX_ID_LENGTH } from '../errors.ts';
import type { ListingCache } from '../listing-cache.ts';
import { type AppEnv, errors, newApi, notModified } from '../openapi.ts';

export const ATOM_ENTRIES = 50;

const route = createRoute({
  method: 'get',
  path: '/topics/{id}/alerts.atom',
  tags: ['public'],
  summary: "Atom 1.0 feed of a topic's 50 newest alerts",
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: {
    200: {
      description: 'Atom feed; entry ids are `urn:policy-watch:alert:<id>`',
      content: { 'application/atom+xml': { schema: z.string() } },
    },
    304: notModified,
    404: errors[404],
  },
});

export function atomRoutes(deps: ServiceDeps, listings: ListingCache): OpenAPIHono<AppEnv> {
  return newApi().openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    // No stored topic id is that long: answer 404 without asking the store (key size limits).
    if (id.length > MAX_ID_LENGTH) return apiError(c, 'not_found', 'no such topic');
    return listings.respond(c, `atom:${id}`, 'application/atom+xml; charset=utf-8', async () => {
      const configured = deps.config.topics.find((topic) => topic.id === id);
      const { alerts, any } = await feedAlerts(deps, id);
      // A removed topic keeps its feed while it has alerts (they stay queryable).
      if (!configured && !any) return apiError(c, 'not_found', `no topic "${id}"`);
      return renderAtom({
        topic: { id, title: configured?.title ?? id },
        organisation: deps.config.organisation.name,
        selfUrl: `${deps.publicUrl}/api/topics/${encodeURIComponent(id)}/alerts.atom`,
        alternateUrl: `${deps.publicUrl}/`,
        alerts,
        now: deps.clock.now(),
        alertUrl: (alertId) => `${deps.publicUrl}/api/alerts/${encodeURIComponent(alertId)}`,
      });
    });
  });
}

/**
 * The topic's newest alerts, leaving out those staff judged not relevant for it, until there are
 * 50 or none are left. `any`: the topic has alerts at all (judged or not).
 */
async function feedAlerts(deps: ServiceDeps, topic: string): Promise<{ alerts: Alert[]; any: boolean }> {
  const alerts: Alert[] = [];
  let any = false;
  let cursor: string | null = null;
  do {
    const page = await deps.store.alerts.list({ topics: [topic], limit: ATOM_ENTRIES, cursor });
    any ||= page.items.length > 0;
    const left = await notRelevantTopics(deps, page.items);
    for (const alert of page.items) {
      if (!left.get(alert.id)?.has(topic) && alerts.length < ATOM_ENTRIES) alerts.push(alert);
    }
    cursor = page.nextCursor;
  } while (cursor !== null && alerts.length < ATOM_ENTRIES);
  return { alerts, any };
}
