/**
 * @module Self-service subscription API (docs/contract.md §6) and the SES → SNS bounce/complaint endpoint.
 * Both are public; the first is rate limited by the service, the second verifies SNS signatures.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ServiceDeps } from '../../services/service-deps.ts';
import {
  handleSnsNotification,
  RateLimitedError,
  requestSubscription,
  SubscriptionInputError,
} from '../../services/subscriptions.ts';
import type { ClientAddress } from '../client-address.ts';
import { apiError, invalid } from '../errors.ts';
import { type AppEnv, errors, json, newApi } from '../openapi.ts';
import { PendingSchema, SubscriptionRequestSchema } from '../schemas.ts';

const subscribe = createRoute({
  method: 'post',
  path: '/subscriptions',
  tags: ['subscribers'],
  summary: 'Ask for a subscription; a confirmation email follows (double opt-in)',
  description:
    'Answers 202 whether or not the address is known, so it reveals nothing. At most 5 requests per hour per address and 20 per hour per client.',
  request: {
    body: { required: true, content: { 'application/json': { schema: SubscriptionRequestSchema } } },
  },
  responses: {
    202: json(PendingSchema, 'Confirmation email sent (or not needed)'),
    400: errors[400],
    429: { ...errors[429], headers: z.object({ 'Retry-After': z.string() }) },
  },
});

const OutcomeSchema = z.object({ outcome: z.string() }).openapi('SnsOutcome');

const sesNotifications = createRoute({
  method: 'post',
  path: '/ses-notifications',
  tags: ['operations'],
  summary: 'SES bounce and complaint notifications delivered by SNS (signature-verified)',
  request: { body: { required: false, content: { 'text/plain': { schema: z.string() } } } },
  responses: { 200: json(OutcomeSchema, 'Handled'), 400: errors[400] },
});

export function rateLimited(c: Parameters<typeof apiError>[0], error: RateLimitedError) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  return apiError(c, 'rate_limited', error.message);
}

export function subscriptionRoutes(deps: ServiceDeps, clientAddress: ClientAddress): OpenAPIHono<AppEnv> {
  return newApi()
    .openapi(subscribe, async (c) => {
      const input = c.req.valid('json');
      try {
        await requestSubscription(deps, { ...input, client: clientAddress(c) });
        return c.json({ status: 'pending' as const }, 202);
      } catch (error) {
        if (error instanceof SubscriptionInputError) return invalid(c, error.details);
        if (error instanceof RateLimitedError) return rateLimited(c, error);
        throw error;
      }
    })
    .openapi(sesNotifications, async (c) => {
      const result = await handleSnsNotification(deps, await c.req.text());
      if (result.outcome === 'invalid') {
        deps.logger.log('warn', 'ses notification refused', { reason: result.reason });
        return invalid(c, [{ path: '', message: result.reason }]);
      }
      if (result.outcome === 'subscription-unconfirmed') {
        deps.logger.log('warn', 'SNS subscription not confirmed: open the SubscribeURL by hand', {
          subscribeUrl: result.subscribeUrl,
          error: result.error,
        });
      } else {
        deps.logger.log('info', 'ses notification handled', { outcome: result.outcome });
      }
      return c.json({ outcome: result.outcome }, 200);
    });
}
