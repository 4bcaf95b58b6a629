import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LindaError } from '../../domain/errors.js';
import { type EngineMetrics, METRICS_CONTENT_TYPE } from '../../observability/metrics.js';
import { bearerToken, keysMatch } from '../auth.js';
import { describeRoute } from '../openapi.js';

/** Who may scrape: the API key, or the read-only metrics token (which opens nothing else). */
export interface MetricsAuth {
  apiKey: string;
  metricsToken?: string | undefined;
}

/**
 * `GET /metrics`: Prometheus text format. Needs `Authorization: Bearer <api key or metrics
 * token>`; an anonymous or wrong token gets 401 UNAUTHORIZED.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: EngineMetrics, auth: MetricsAuth): void {
  app.get(
    '/metrics',
    {
      schema: describeRoute({
        summary: 'Prometheus metrics',
        description:
          'Prometheus text format 0.0.4: the `linda_*` engine metrics (messages, pipeline latency, ' +
          'outbox depth and age, sends by result, rate-limit waits, caches, sessions, reconnects) ' +
          "and Node's own (`nodejs_*`, `process_*`: GC pauses, event-loop lag, heap). Needs " +
          '`Authorization: Bearer <api key or metrics token>`; the metrics token opens nothing else.',
        tags: ['status'],
        auth: true,
        responses: {
          200: { description: 'The metrics', contentType: 'text/plain; version=0.0.4', schema: z.string() },
        },
      }),
      onRequest: async (request) => {
        const token = bearerToken(request);
        if (token === undefined) {
          throw new LindaError(
            'UNAUTHORIZED',
            'missing Authorization: Bearer <api key or metrics token> header',
          );
        }
        // Both compared every time, so the answer's timing does not tell which one matched.
        const isKey = keysMatch(token, auth.apiKey);
        const isToken = auth.metricsToken !== undefined && keysMatch(token, auth.metricsToken);
        if (!isKey && !isToken) throw new LindaError('UNAUTHORIZED', 'invalid API key or metrics token');
      },
    },
    async (_request, reply) => {
      const text = await metrics.render();
      return reply.type(METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
    },
  );
}
