import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LiveStats } from '../../observability/live-stats.js';
import { describeRoute } from '../openapi.js';

/** One second of live numbers (the `stats.tick` event plus `at`). */
export const statsTickSchema = z
  .object({
    inPerSec: z.number().meta({ description: 'Inbound messages stored per second' }),
    outPerSec: z.number().meta({ description: 'Outbound messages the network accepted per second' }),
    latencyP50Ms: z
      .number()
      .nullable()
      .meta({ description: 'Median ms from acceptance to handled, over the last 5 s; null when none' }),
    latencyP99Ms: z.number().nullable().meta({ description: '99th percentile of the same' }),
    queued: z.number().int().meta({ description: 'Outbox rows waiting (queued and sending)' }),
    heapUsedBytes: z.number(),
    at: z.number().int().meta({ description: 'Epoch milliseconds of the tick' }),
  })
  .meta({ title: 'StatsTick' });

/** Body of `GET /v1/stats`. */
export const statsViewSchema = z.object({
  ticks: z.array(statsTickSchema).meta({ description: 'One per second, oldest first, the last two minutes' }),
});

/** `GET /stats` (authenticated, under `/v1`): the last two minutes of live numbers. */
export function registerStatsRoutes(app: FastifyInstance, live: LiveStats): void {
  app.get(
    '/stats',
    {
      schema: describeRoute({
        summary: 'Live numbers, the last two minutes',
        description:
          'One tick a second while the server runs: messages in and out per second, handling ' +
          'latency p50/p99, outbox depth and heap. The same ticks stream as `stats.tick` events ' +
          'on `/v1/events`.',
        tags: ['status'],
        responses: { 200: { description: 'The ticks, oldest first', schema: statsViewSchema } },
      }),
    },
    async (): Promise<z.output<typeof statsViewSchema>> => ({ ticks: live.snapshot() }),
  );
}
