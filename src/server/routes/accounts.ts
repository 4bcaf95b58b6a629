import type { FastifyInstance } from 'fastify';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { accountParams, createAccountBody, removeQuery } from '../schemas.js';
import { accountView } from '../views.js';

/** Account routes: create, list, get, remove, start, stop, use (set the default account). */
export function registerAccountRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post('/accounts', async (request, reply) => {
    const input = parse(createAccountBody, request.body, 'account');
    const account = await linda.createAccount(input);
    return reply.status(201).send(accountView(account));
  });

  app.get('/accounts', async () => {
    const [accounts, defaultAccount] = await Promise.all([linda.listAccounts(), linda.defaultAccount()]);
    return { accounts: accounts.map(accountView), defaultAccount: defaultAccount ?? null };
  });

  app.get('/accounts/:id', async (request) => {
    const { id } = parse(accountParams, request.params, 'account id');
    return accountView(await linda.getAccount(id));
  });

  app.delete('/accounts/:id', async (request, reply) => {
    const { id } = parse(accountParams, request.params, 'account id');
    const { purge } = parse(removeQuery, request.query, 'query');
    await linda.removeAccount(id, { purge });
    return reply.status(204).send();
  });

  app.post('/accounts/:id/start', async (request) => {
    const { id } = parse(accountParams, request.params, 'account id');
    return accountView(await linda.startAccount(id));
  });

  app.post('/accounts/:id/stop', async (request) => {
    const { id } = parse(accountParams, request.params, 'account id');
    return accountView(await linda.stopAccount(id));
  });

  app.post('/accounts/:id/use', async (request) => {
    const { id } = parse(accountParams, request.params, 'account id');
    const ctx = await linda.setDefaultAccount(id);
    return { defaultAccount: ctx.account };
  });
}
