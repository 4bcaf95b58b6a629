import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import {
  accountParams,
  chatParams,
  historyQuery,
  idempotencyKey,
  searchQuery,
  sendBody,
} from '../schemas.js';
import { historyPageSchema, searchResultSchema, sendResultSchema } from '../views.js';

const tags = ['messages'];

/** Send, history and search routes of one account. */
export function registerMessageRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post(
    '/accounts/:id/messages',
    {
      schema: describeRoute({
        summary: 'Send a text message',
        description:
          'Queues the message in the durable outbox and answers 202 with its row; delivery is ' +
          'asynchronous. The same `Idempotency-Key` returns the first row instead of sending twice.',
        tags,
        params: accountParams,
        headers: z.object({ 'idempotency-key': idempotencyKey }),
        body: sendBody,
        responses: { 202: { description: 'Queued', schema: sendResultSchema } },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND', 'STORAGE_FAILED'],
      }),
    },
    async (request, reply) => {
      const { id } = parse(accountParams, request.params, 'account id');
      const { to, text } = parse(sendBody, request.body, 'message');
      const key = parse(idempotencyKey, request.headers['idempotency-key'], 'Idempotency-Key header');
      // Resolve the account first so an unknown id is ACCOUNT_NOT_FOUND whatever `use()` does lazily.
      await linda.getAccount(id);
      const record = await linda.use(id).send(to, text, key === undefined ? {} : { idempotencyKey: key });
      const sent: z.output<typeof sendResultSchema> = {
        id: record.seq,
        messageId: record.message.id,
        state: record.state,
      };
      return reply.status(202).send(sent);
    },
  );

  app.get(
    '/accounts/:id/chats/:chat/messages',
    {
      schema: describeRoute({
        summary: 'Chat history',
        description: 'Messages of one chat, newest first, a page at a time (`before` = `nextCursor`).',
        tags,
        params: chatParams,
        querystring: historyQuery,
        responses: { 200: { description: 'One page', schema: historyPageSchema } },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND', 'STORAGE_FAILED'],
      }),
    },
    async (request): Promise<z.output<typeof historyPageSchema>> => {
      const { id, chat } = parse(chatParams, request.params, 'chat');
      const { limit, before } = parse(historyQuery, request.query, 'query');
      await linda.getAccount(id);
      const page = await linda.use(id).history(chat, before === undefined ? { limit } : { limit, before });
      return { messages: page.messages, nextCursor: page.nextCursor ?? null };
    },
  );

  app.get(
    '/accounts/:id/search',
    {
      schema: describeRoute({
        summary: 'Search messages',
        description: "Full-text search over the account's message bodies, most recently stored first.",
        tags,
        params: accountParams,
        querystring: searchQuery,
        responses: { 200: { description: 'Matching messages', schema: searchResultSchema } },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND', 'STORAGE_FAILED'],
      }),
    },
    async (request): Promise<z.output<typeof searchResultSchema>> => {
      const { id } = parse(accountParams, request.params, 'account id');
      const { q, limit } = parse(searchQuery, request.query, 'query');
      await linda.getAccount(id);
      return { messages: await linda.use(id).search(q, limit) };
    },
  );
}
