import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { pino } from 'pino';
import { LiveStats } from '../observability/live-stats.js';
import { createEngineMetrics } from '../observability/metrics.js';
import { installAuth } from './auth.js';
import type { LindaApi } from './engine-api.js';
import { installErrorHandling } from './errors.js';
import { installOpenApi } from './openapi.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMessageRoutes } from './routes/messages.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerOutboundWebhookRoutes } from './routes/outbound-webhooks.js';
import { registerQrRoutes } from './routes/qr.js';
import { registerSandboxRoutes } from './routes/sandbox.js';
import { registerStatsRoutes } from './routes/stats.js';
import { registerHealthRoute, registerReadyRoute, registerStatusRoutes } from './routes/status.js';
import { registerWebhookRoutes } from './routes/webhooks.js';

/** Largest accepted request body: a maximal text (65,536 characters of up to 4 UTF-8 bytes) fits. */
export const DEFAULT_BODY_LIMIT = 300 * 1024;

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** Every `/v1` route needs `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Request and error logs go here; none when omitted. */
  logger?: pino.Logger;
  /** Bytes; default {@link DEFAULT_BODY_LIMIT}. */
  bodyLimit?: number;
  /** A read-only token that opens `GET /metrics` (and nothing else) besides the API key. */
  metricsToken?: string;
}

/**
 * The HTTP control plane over the engine's public API. Not listening yet: call `listen()`, or
 * `inject()` in tests.
 * @example
 *   const app = buildServer(linda, { apiKey });
 *   await app.listen({ host: '127.0.0.1', port: 3000 });
 */
export function buildServer(linda: LindaApi, opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger === undefined ? { logger: false } : { loggerInstance: opts.logger as FastifyBaseLogger }),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Long ids must reach the schema (VALIDATION_FAILED), not fall through to ROUTE_NOT_FOUND;
    // Node's 16 KiB header limit bounds the URL anyway.
    routerOptions: { maxParamLength: 16 * 1024 },
    return503OnClosing: true,
  });
  installErrorHandling(app);
  acceptEmptyJsonBodies(app);
  installAuth(app, opts.apiKey);
  if (opts.metricsToken?.length === 0) throw new Error('metricsToken must not be empty');
  // Live numbers and metrics exist only while a server does: the bare engine pays nothing.
  const live = new LiveStats(linda);
  const metrics = createEngineMetrics(linda);
  app.addHook('onClose', async () => {
    live.close();
    metrics.close();
  });
  // Before any route, and every route inside a plugin (`app.register`), so the spec lists it.
  installOpenApi(app);
  app.register((root, _opts, done) => {
    registerHealthRoute(root);
    registerReadyRoute(root, linda);
    registerMetricsRoute(root, metrics, { apiKey: opts.apiKey, metricsToken: opts.metricsToken });
    registerDashboardRoutes(root);
    done();
  });
  registerWebhookRoutes(app, linda);
  app.register(
    (v1, _opts, done) => {
      registerAccountRoutes(v1, linda);
      registerMessageRoutes(v1, linda);
      registerQrRoutes(v1, linda);
      registerSandboxRoutes(v1, linda);
      registerOutboundWebhookRoutes(v1, linda);
      registerEventRoutes(v1, linda);
      registerStatusRoutes(v1, linda, live);
      registerStatsRoutes(v1, live);
      done();
    },
    { prefix: '/v1' },
  );
  return app;
}

/**
 * Many clients send `Content-Type: application/json` on a bodiless POST (`/start`, `/use`).
 * Treat an empty body as no body; routes that need one still fail their schema. Non-empty
 * bodies go through Fastify's own parser (with its prototype-poisoning checks).
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body.toString(), done);
  });
}
