import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountId } from '../../domain/message.js';
import { parse } from '../../domain/validate.js';
import { EVENT_TYPES, type EventType, type LindaEvent } from '../../events/bus.js';
import { LIVE_ONLY_EVENT_TYPES } from '../../webhooks/event-types.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { openSse, type SseOptions, type SseStream } from '../sse.js';

/** SSE defaults: a keepalive every 15 s, at most 1 MiB unsent per client. */
export const SSE_DEFAULTS: SseOptions = { keepaliveMs: 15_000, maxBufferBytes: 1024 * 1024 };

const known = ['*', ...EVENT_TYPES].join(', ');

/** Query of `GET /v1/events`. */
export const eventsQuery = z.strictObject({
  /** Comma-separated types; `*` = all of them. Absent: every type but the live-only ones (stats.tick). */
  types: z
    .string()
    .max(1024)
    .transform((v) => v.split(',').map((t) => t.trim()))
    .pipe(
      z
        .array(
          z.string().refine((t) => t === '*' || (EVENT_TYPES as readonly string[]).includes(t), {
            message: `unknown event type; known: ${known}`,
          }),
        )
        .min(1),
    )
    .optional(),
  /** Only this account's events (and the engine-wide ones, account `*`). */
  account: accountId.optional(),
});

function typesOf(requested: string[] | undefined): EventType[] {
  if (requested === undefined) return EVENT_TYPES.filter((t) => !LIVE_ONLY_EVENT_TYPES.has(t));
  if (requested.includes('*')) return [...EVENT_TYPES];
  return [...new Set(requested as EventType[])];
}

/**
 * `GET /v1/events`: the engine's events, live, as Server-Sent Events
 * (`id: <event id>`, `event: <type>`, `data: <the event as JSON>`). Authenticated like every
 * `/v1` route, so browsers read it with fetch() and a ReadableStream rather than EventSource.
 */
export function registerEventRoutes(
  app: FastifyInstance,
  linda: LindaApi,
  opts: Partial<SseOptions> = {},
): void {
  const options = { ...SSE_DEFAULTS, ...opts };
  const open = new Set<SseStream>();
  // Streams never end by themselves: end them, or closing the server would wait on them forever.
  app.addHook('preClose', (done) => {
    for (const stream of open) stream.end();
    done();
  });

  app.get(
    '/events',
    {
      schema: describeRoute({
        summary: 'Live events (Server-Sent Events)',
        description:
          'Each event as `id: <event id>`, `event: <type>`, `data: <the event as JSON>`; a `: keepalive` ' +
          'comment every 15 s. A client that falls about 1 MiB behind is disconnected. Needs the bearer ' +
          'key like every /v1 route: read it with fetch() and a ReadableStream (EventSource cannot send it).',
        tags: ['events'],
        querystring: eventsQuery,
        responses: {
          200: {
            description: 'The stream, until the client disconnects',
            contentType: 'text/event-stream',
            schema: { type: 'string' },
          },
        },
        errors: ['VALIDATION_FAILED'],
      }),
    },
    async (request, reply) => {
      const query = parse(eventsQuery, request.query, 'query');
      const types = typesOf(query.types);
      const account = query.account;
      reply.hijack();
      const stream = openSse(reply.raw, options);
      open.add(stream);
      const listener = (event: LindaEvent) => {
        if (account !== undefined && event.account !== account && event.account !== '*') return;
        stream.send(event.id, event.type, JSON.stringify(event));
      };
      const offs = types.map((type) => linda.events.on(type, listener));
      stream.onClose(() => {
        open.delete(stream);
        for (const off of offs) off();
      });
    },
  );
}
