import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parse } from '../../domain/validate.js';
import { webhookInputSchema } from '../../webhooks/registry.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { limitParam } from '../schemas.js';

const idParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id such as wh_… or dlv_…');

/** `:id` of webhook routes. */
export const webhookParams = z.object({ id: idParam });

/** `:id` of delivery routes. */
export const deliveryParams = z.object({ id: idParam });

const deliveryStates = ['queued', 'sending', 'delivered', 'dead'] as const;

/** Query of the deliveries route. */
export const deliveriesQuery = z.strictObject({
  state: z.enum(deliveryStates).optional(),
  limit: limitParam,
});

/** A webhook as the API returns it (never its secret). */
export const webhookViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()).meta({ description: 'Event types, or ["*"] for all' }),
    account: z.string().nullable().meta({ description: "Only this account's events; null = every account" }),
    enabled: z.boolean(),
    createdAt: z.number().int().meta({ description: 'Epoch milliseconds' }),
  })
  .meta({ title: 'Webhook' });

const createdWebhookSchema = webhookViewSchema
  .extend({
    secret: z.string().meta({ description: 'Signing secret; shown in this response only' }),
  })
  .meta({ title: 'CreatedWebhook' });

/** A delivery of one event to one webhook. */
export const deliveryViewSchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string().meta({ description: 'Stable across retries and replays: dedupe on it' }),
    eventType: z.string(),
    account: z.string(),
    state: z.enum(deliveryStates),
    attempts: z.number().int(),
    nextAttemptAt: z.number().int().meta({ description: 'Epoch milliseconds' }),
    lastError: z.string().nullable(),
    lastStatus: z.number().int().nullable().meta({ description: 'HTTP status of the last answer' }),
    createdAt: z.number().int(),
    deliveredAt: z.number().int().nullable(),
    payload: z.unknown().optional().meta({ description: 'The exact body sent (single-delivery reads only)' }),
  })
  .meta({ title: 'WebhookDelivery' });

const webhookListSchema = z.object({ webhooks: z.array(webhookViewSchema) });
const deliveryListSchema = z.object({ deliveries: z.array(deliveryViewSchema) });

type Out<S extends z.ZodType> = Promise<z.output<S>>;

const tags = ['webhooks'];
const notFound = { WEBHOOK_NOT_FOUND: 'no webhook with this id', VALIDATION_FAILED: '' };
const noDelivery = { DELIVERY_NOT_FOUND: 'no delivery with this id', VALIDATION_FAILED: '' };

/**
 * Outbound webhooks (`/v1/webhooks`): register, list, get, remove; a webhook's deliveries; one
 * delivery with its payload; replay. Not to be confused with `/webhooks/cloud/:account`, where
 * Meta calls Linda.
 */
export function registerOutboundWebhookRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post(
    '/webhooks',
    {
      schema: describeRoute({
        summary: 'Register a webhook',
        description:
          'Deliveries are POSTed as JSON `{id, type, at, account, data}` and signed: `X-Linda-Signature: ' +
          't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The secret is returned here only. ' +
          'Any http(s) URL the server can reach is accepted, loopback and private addresses included (the ' +
          "API key is an operator's credential): where that matters, restrict the server's outbound traffic.",
        tags,
        body: webhookInputSchema,
        responses: { 201: { description: 'Registered, with its secret', schema: createdWebhookSchema } },
        errors: { VALIDATION_FAILED: '', ACCOUNT_NOT_FOUND: '', STORAGE_FAILED: '' },
      }),
    },
    async (request, reply) => {
      const input = parse(webhookInputSchema, request.body, 'webhook');
      const created: z.output<typeof createdWebhookSchema> = await linda.webhooks.create(input);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/webhooks',
    {
      schema: describeRoute({
        summary: 'List webhooks',
        tags,
        responses: {
          200: { description: 'Every webhook', schema: webhookListSchema },
        },
      }),
    },
    async (): Out<typeof webhookListSchema> => ({
      webhooks: await linda.webhooks.list(),
    }),
  );

  app.get(
    '/webhooks/:id',
    {
      schema: describeRoute({
        summary: 'Get a webhook',
        tags,
        params: webhookParams,
        responses: { 200: { description: 'The webhook', schema: webhookViewSchema } },
        errors: notFound,
      }),
    },
    async (request): Out<typeof webhookViewSchema> => {
      const { id } = parse(webhookParams, request.params, 'webhook id');
      return linda.webhooks.get(id);
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: describeRoute({
        summary: 'Remove a webhook',
        description: 'Its deliveries go with it; queued ones are never sent.',
        tags,
        params: webhookParams,
        responses: { 204: { description: 'Removed' } },
        errors: { ...notFound, STORAGE_FAILED: '' },
      }),
    },
    async (request, reply) => {
      const { id } = parse(webhookParams, request.params, 'webhook id');
      await linda.webhooks.remove(id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: describeRoute({
        summary: "A webhook's deliveries",
        description: 'Newest first; `state=dead` lists the dead letters to replay.',
        tags,
        params: webhookParams,
        querystring: deliveriesQuery,
        responses: {
          200: { description: 'Deliveries', schema: deliveryListSchema },
        },
        errors: { ...notFound, STORAGE_FAILED: '' },
      }),
    },
    async (request): Out<typeof deliveryListSchema> => {
      const { id } = parse(webhookParams, request.params, 'webhook id');
      const { state, limit } = parse(deliveriesQuery, request.query, 'query');
      const query = state === undefined ? { limit } : { state, limit };
      return { deliveries: await linda.webhooks.deliveries(id, query) };
    },
  );

  app.get(
    '/webhooks/deliveries/:id',
    {
      schema: describeRoute({
        summary: 'Get a delivery',
        description: 'With `payload`, the exact body sent.',
        tags,
        params: deliveryParams,
        responses: { 200: { description: 'The delivery', schema: deliveryViewSchema } },
        errors: { ...noDelivery, STORAGE_FAILED: '' },
      }),
    },
    async (request): Out<typeof deliveryViewSchema> => {
      const { id } = parse(deliveryParams, request.params, 'delivery id');
      return linda.webhooks.delivery(id);
    },
  );

  app.post(
    '/webhooks/deliveries/:id/replay',
    {
      schema: describeRoute({
        summary: 'Replay a delivery',
        description:
          'A dead or delivered delivery is queued again with its attempts reset: same event id, same body. ' +
          'A queued or sending one is returned as it is.',
        tags,
        params: deliveryParams,
        responses: { 200: { description: 'The delivery, queued', schema: deliveryViewSchema } },
        errors: { ...noDelivery, STORAGE_FAILED: '' },
      }),
    },
    async (request): Out<typeof deliveryViewSchema> => {
      const { id } = parse(deliveryParams, request.params, 'delivery id');
      return linda.webhooks.replay(id);
    },
  );
}
