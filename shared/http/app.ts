/**
 * @module `createApp(deps)`: the whole HTTP surface (docs/contract.md §6) as one hono app: the JSON API with
 * its OpenAPI document, `/docs`, the staff dashboard and the subscriber pages. Pure composition;
 * the same app runs under @hono/node-server and hono/aws-lambda.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ServiceDeps } from '../services/service-deps.ts';
import { staffApi } from './auth.ts';
import { type ClientAddress, createClientAddress } from './client-address.ts';
import { apiError } from './errors.ts';
import { createListingCache, type ListingCacheOptions } from './listing-cache.ts';
import { type AppEnv, newApi } from './openapi.ts';
import { DocsPage } from './pages/docs.tsx';
import { MessagePage } from './pages/message.tsx';
import { DOCS_INIT_SCRIPT, STYLESHEET } from './pages/styles.ts';
import { atomRoutes } from './routes/atom.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { publicRoutes } from './routes/public-api.ts';
import { staffRoutes } from './routes/staff-api.ts';
import { staffPageRoutes } from './routes/staff-dashboard.tsx';
import { subscriberPageRoutes } from './routes/subscription-pages.tsx';
import { subscriptionRoutes } from './routes/subscriptions-api.ts';
import { securityHeaders } from './security.ts';

/** Largest request body accepted; the biggest legitimate one (an SNS message) is a few KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Read-only routes any origin may call from a browser (docs/contract.md §6: public data). */
const CORS_PATHS = [
  '/api/health',
  '/api/sources',
  '/api/topics',
  '/api/topics/*',
  '/api/alerts',
  '/api/alerts/*',
];
const STAFF_API_PATHS = [
  '/api/factsheets',
  '/api/factsheets/*',
  '/api/subscribers',
  '/api/subscribers/*',
  '/api/alerts/:id/feedback',
  '/api/feedback',
  '/api/feedback/*',
  '/api/topics/:id/quality',
];

export interface AppOptions {
  /** Who is calling (rate limits); default: socket / API Gateway address, see client-address.ts. */
  clientAddress?: ClientAddress;
  /** The public alert listings' response cache (listing-cache.ts). */
  listingCache?: ListingCacheOptions;
}

function isApi(c: Context): boolean {
  return c.req.path === '/api' || c.req.path.startsWith('/api/') || c.req.path === '/openapi.json';
}

export function createApp(deps: ServiceDeps, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const clientAddress =
    options.clientAddress ?? createClientAddress({ trustProxy: deps.trustProxy === true });
  const organisation = deps.config.organisation.name;
  const app = newApi();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // The path only: query strings carry email tokens.
    deps.logger.log('info', 'http request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  app.use('*', securityHeaders());
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        apiError(c, 'payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`),
    }),
  );
  for (const path of CORS_PATHS) {
    app.use(path, cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86_400 }));
  }
  const guard = staffApi(deps.staffKeys);
  for (const path of STAFF_API_PATHS) app.use(path, guard);

  const listings = createListingCache(deps.store.alerts, options.listingCache);
  app.route('/api', publicRoutes(deps, listings));
  app.route('/api', atomRoutes(deps, listings));
  app.route('/api', staffRoutes(deps));
  app.route('/api', feedbackRoutes(deps));
  app.route('/api', subscriptionRoutes(deps, clientAddress));
  app.route('/staff', staffPageRoutes(deps));
  app.route('/', subscriberPageRoutes(deps, clientAddress));

  app.openAPIRegistry.registerComponent('securitySchemes', 'staffKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A staff key (STAFF_API_KEYS). Pages also accept it as the password of HTTP Basic.',
  });
  const documentConfig = {
    openapi: '3.0.3',
    info: {
      title: 'policy-watch API',
      version: '1',
      description: `Policy-change alerts run by ${organisation}. Errors are {"error":{"code","message","details"?}}.`,
    },
    servers: [{ url: deps.publicUrl }],
    tags: [
      { name: 'public', description: 'Read-only, no key, CORS open' },
      { name: 'staff', description: 'Needs a staff key' },
      { name: 'subscribers', description: 'Self-service subscriptions (double opt-in)' },
      { name: 'operations', description: 'Called by AWS' },
    ],
  };
  app.doc('/openapi.json', documentConfig);
  app.get('/docs', (c) =>
    c.html(DocsPage({ organisation, document: app.getOpenAPIDocument(documentConfig) })),
  );
  app.get('/docs/init.js', (c) =>
    c.body(DOCS_INIT_SCRIPT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    }),
  );
  app.get('/assets/app.css', (c) =>
    c.body(STYLESHEET, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    }),
  );

  app.notFound((c) =>
    isApi(c)
      ? apiError(c, 'not_found', `no route ${c.req.method} ${c.req.path}`)
      : c.html(
          MessagePage({ organisation, title: 'Page not found', body: 'There is nothing at this address.' }),
          404,
        ),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      // hono's own 4xx (malformed JSON, wrong content type): a client mistake, reported as one.
      if (error.status === 413) return apiError(c, 'payload_too_large', error.message);
      // docs/contract.md §6 has no 415: a body that is not JSON is a 400 that says what to send instead.
      const message =
        error.status === 415
          ? 'the body must be JSON (Content-Type: application/json)'
          : error.message || 'invalid request';
      return isApi(c)
        ? apiError(c, 'invalid_request', message, [{ path: '', message }])
        : c.html(
            MessagePage({ organisation, title: 'Bad request', body: 'The request could not be read.' }),
            400,
          );
    }
    deps.logger.log('error', 'unhandled error', {
      method: c.req.method,
      path: c.req.path,
      error,
      stack: error instanceof Error ? error.stack : undefined,
    });
    return isApi(c)
      ? apiError(c, 'internal', 'internal error; it has been logged')
      : c.html(
          MessagePage({ organisation, title: 'Something went wrong', body: 'Please try again later.' }),
          500,
        );
  });
  return app;
}
