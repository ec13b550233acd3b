/**
 * @module Staff feedback API: judge an alert per topic, report a missed publication, list the
 * standing feedback, and a topic's quality. Behind the staff key (see app.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  judgeAlert,
  knownFeedbackTopic,
  listFeedback,
  qualityOf,
  reportMissed,
} from '../../services/feedback.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { apiError, invalid, MAX_ID_LENGTH } from '../errors.ts';
import { type AppEnv, errors, json, newApi, staffSecurity } from '../openapi.ts';
import {
  FeedbackPageSchema,
  JudgementRequestSchema,
  JudgementSchema,
  MissedRequestSchema,
  MissedSchema,
  PAGE_QUERY,
  QualitySchema,
} from '../schemas.ts';

const staff = { tags: ['staff'], security: staffSecurity };
const common = { 401: errors[401] };

const judge = createRoute({
  method: 'post',
  path: '/alerts/{id}/feedback',
  ...staff,
  summary: 'Judge an alert relevant or not for one of its topics (the latest judgement stands)',
  request: {
    params: z.object({ id: z.string().min(1) }),
    body: { required: true, content: { 'application/json': { schema: JudgementRequestSchema } } },
  },
  responses: {
    201: json(JudgementSchema, 'The judgement, now standing'),
    400: errors[400],
    404: errors[404],
    ...common,
  },
});

const missed = createRoute({
  method: 'post',
  path: '/feedback/missed',
  ...staff,
  summary: 'Report a publication the service should have caught',
  request: {
    body: { required: true, content: { 'application/json': { schema: MissedRequestSchema } } },
  },
  responses: { 201: json(MissedSchema, 'Recorded'), 400: errors[400], ...common },
});

const list = createRoute({
  method: 'get',
  path: '/feedback',
  ...staff,
  summary: 'Standing judgements and missed items, newest first, cursor-paged',
  request: {
    query: z.object({
      topic: z
        .string()
        .optional()
        .openapi({ description: 'judgements on this topic and missed items listing it' }),
      ...PAGE_QUERY,
    }),
  },
  responses: { 200: json(FeedbackPageSchema, 'One page of feedback'), 400: errors[400], ...common },
});

const quality = createRoute({
  method: 'get',
  path: '/topics/{id}/quality',
  ...staff,
  summary: "A topic's precision and recall from staff feedback, and the terms behind its noise",
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: { 200: json(QualitySchema, 'Quality figures'), 404: errors[404], ...common },
});

export function feedbackRoutes(deps: ServiceDeps): OpenAPIHono<AppEnv> {
  return newApi()
    .openapi(judge, async (c) => {
      const { id } = c.req.valid('param');
      if (id.length > MAX_ID_LENGTH) return apiError(c, 'not_found', 'no such alert');
      const result = await judgeAlert(deps, id, c.req.valid('json'));
      if (result.ok) return c.json(result.judgement, 201);
      if (result.error === 'not_found') return apiError(c, 'not_found', result.message);
      return invalid(c, result.details);
    })
    .openapi(missed, async (c) => {
      const result = await reportMissed(deps, c.req.valid('json'));
      if (result.ok) return c.json(result.missed, 201);
      return invalid(c, result.details);
    })
    .openapi(list, async (c) => {
      const input = c.req.valid('query');
      if (input.cursor === '') return invalid(c, [{ path: 'cursor', message: 'must not be empty' }]);
      if (
        input.topic !== undefined &&
        (input.topic.length > MAX_ID_LENGTH || !(await knownFeedbackTopic(deps, input.topic)))
      ) {
        return invalid(c, [{ path: 'topic', message: `unknown topic "${input.topic}"` }]);
      }
      try {
        const page = await listFeedback(deps, {
          limit: input.limit,
          cursor: input.cursor ?? null,
          ...(input.topic === undefined ? {} : { topic: input.topic }),
        });
        return c.json(page, 200);
      } catch (error) {
        if (error instanceof Error && error.name === 'InvalidCursorError') {
          return invalid(c, [{ path: 'cursor', message: 'not a cursor this API issued' }]);
        }
        throw error;
      }
    })
    .openapi(quality, async (c) => {
      const { id } = c.req.valid('param');
      const figures = id.length > MAX_ID_LENGTH ? null : await qualityOf(deps, id);
      if (!figures) return apiError(c, 'not_found', `no topic "${id}"`);
      return c.json(figures, 200);
    });
}
