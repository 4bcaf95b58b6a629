import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { engineStatusSchema, okSchema } from '../views.js';

/** `GET /status` (authenticated): the engine snapshot `linda status` prints. */
export function registerStatusRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.get(
    '/status',
    {
      schema: describeRoute({
        summary: 'Engine status',
        description:
          'Accounts and their sessions, message counts, outbox, caches and memory: what `linda status` prints.',
        tags: ['status'],
        responses: { 200: { description: 'A snapshot of the engine', schema: engineStatusSchema } },
        errors: ['STORAGE_FAILED'],
      }),
    },
    async (): Promise<z.output<typeof engineStatusSchema>> => linda.status(),
  );
}

/** `GET /health` (open): liveness for load balancers; says nothing about accounts. */
export function registerHealthRoute(app: FastifyInstance): void {
  app.get(
    '/health',
    {
      schema: describeRoute({
        summary: 'Liveness',
        description:
          'Open (no API key). Answers as long as the process serves HTTP; says nothing about accounts.',
        tags: ['status'],
        responses: { 200: { description: 'Alive', schema: okSchema } },
      }),
    },
    async (): Promise<z.output<typeof okSchema>> => ({ ok: true }),
  );
}
