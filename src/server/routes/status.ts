import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isLindaError } from '../../domain/errors.js';
import type { LiveStats } from '../../observability/live-stats.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { engineStatusSchema, okSchema } from '../views.js';
import { statsTickSchema } from './stats.js';

/** `GET /v1/status`: the engine snapshot plus the live numbers. */
export const statusViewSchema = engineStatusSchema.extend({
  accounts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      phone: z.string().nullable(),
      connector: z.string(),
      status: z.string(),
      today: z
        .object({ in: z.number().int(), out: z.number().int() })
        .meta({ description: 'Since local midnight: inbound stored, outbound accepted by the network' }),
      queued: z.number().int().meta({ description: 'Outbox rows waiting (queued and sending)' }),
    }),
  ),
  live: statsTickSchema
    .nullable()
    .meta({ description: 'The latest second of live numbers; null before the first tick' }),
});

/** Body of `GET /v1/status`. */
export type StatusView = z.output<typeof statusViewSchema>;

/** Body of `GET /ready`. */
export const readyViewSchema = z.object({
  ready: z.boolean(),
  reason: z.string().optional().meta({ description: 'Why not, when not ready' }),
  migrations: z
    .object({
      applied: z.number().int(),
      expected: z.number().int(),
      missing: z.array(z.string()).optional(),
    })
    .optional(),
});

/** Body of `GET /ready`. */
export type ReadyView = z.output<typeof readyViewSchema>;

/** `GET /status` (authenticated): the engine snapshot `linda status` prints, with live numbers. */
export function registerStatusRoutes(app: FastifyInstance, linda: LindaApi, live: LiveStats): void {
  app.get(
    '/status',
    {
      schema: describeRoute({
        summary: 'Engine status',
        description:
          'Accounts and their sessions (with messages today and outbox depth), message counts, ' +
          'outbox, caches, memory, and the latest second of live numbers: what `linda status` prints.',
        tags: ['status'],
        responses: { 200: { description: 'A snapshot of the engine', schema: statusViewSchema } },
        errors: ['STORAGE_FAILED'],
      }),
    },
    async (): Promise<StatusView> => {
      const status = await linda.status();
      return {
        ...status,
        accounts: status.accounts.map((a) => ({ ...a, ...live.account(a.id) })),
        live: live.latest() ?? null,
      };
    },
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

/**
 * `GET /ready` (open): 200 when the store answers a query and every migration this build ships
 * is applied; 503 with a reason otherwise.
 */
export function registerReadyRoute(app: FastifyInstance, linda: LindaApi): void {
  app.get(
    '/ready',
    {
      schema: describeRoute({
        summary: 'Readiness',
        description:
          'Open (no API key). 200 when the store answers a query and every migration this build ' +
          'ships is applied; 503 with `ready: false` and a `reason` otherwise.',
        tags: ['status'],
        responses: {
          200: { description: 'Ready', schema: readyViewSchema },
          503: {
            description: 'Not ready: the store does not answer or is not migrated',
            schema: readyViewSchema,
          },
        },
      }),
    },
    async (_request, reply): Promise<ReadyView> => {
      let health: Awaited<ReturnType<LindaApi['storeHealth']>>;
      try {
        health = await linda.storeHealth();
      } catch (err) {
        // Open route: the code only, never the message (it names the database path).
        reply.status(503);
        return { ready: false, reason: `store unreachable (${isLindaError(err) ? err.code : 'INTERNAL'})` };
      }
      const applied = new Set(health.migrations.applied);
      const missing = health.migrations.expected.filter((m) => !applied.has(m));
      const migrations = {
        applied: health.migrations.applied.length,
        expected: health.migrations.expected.length,
      };
      if (missing.length > 0) {
        reply.status(503);
        return {
          ready: false,
          reason: `migrations not applied: ${missing.join(', ')}`,
          migrations: { ...migrations, missing },
        };
      }
      return { ready: true, migrations };
    },
  );
}
