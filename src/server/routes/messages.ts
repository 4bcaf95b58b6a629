import type { FastifyInstance } from 'fastify';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import {
  accountParams,
  chatParams,
  historyQuery,
  idempotencyKey,
  searchQuery,
  sendBody,
} from '../schemas.js';

/** Send, history and search routes of one account. */
export function registerMessageRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post('/accounts/:id/messages', async (request, reply) => {
    const { id } = parse(accountParams, request.params, 'account id');
    const { to, text } = parse(sendBody, request.body, 'message');
    const key = parse(idempotencyKey, request.headers['idempotency-key'], 'Idempotency-Key header');
    // Resolve the account first so an unknown id is ACCOUNT_NOT_FOUND whatever `use()` does lazily.
    await linda.getAccount(id);
    const record = await linda.use(id).send(to, text, key === undefined ? {} : { idempotencyKey: key });
    return reply.status(202).send({ id: record.seq, messageId: record.message.id, state: record.state });
  });

  app.get('/accounts/:id/chats/:chat/messages', async (request) => {
    const { id, chat } = parse(chatParams, request.params, 'chat');
    const { limit, before } = parse(historyQuery, request.query, 'query');
    await linda.getAccount(id);
    const page = await linda.use(id).history(chat, before === undefined ? { limit } : { limit, before });
    return { messages: page.messages, nextCursor: page.nextCursor ?? null };
  });

  app.get('/accounts/:id/search', async (request) => {
    const { id } = parse(accountParams, request.params, 'account id');
    const { q, limit } = parse(searchQuery, request.query, 'query');
    await linda.getAccount(id);
    return { messages: await linda.use(id).search(q, limit) };
  });
}
