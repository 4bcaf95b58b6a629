import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { accountParams, createAccountBody, removeQuery } from '../schemas.js';
import { accountListSchema, accountView, accountViewSchema, defaultAccountSchema } from '../views.js';

const tags = ['accounts'];
const account = { description: 'The account (config values are never shown)', schema: accountViewSchema };

/** Account routes: create, list, get, remove, start, stop, use (set the default account). */
export function registerAccountRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post(
    '/accounts',
    {
      schema: describeRoute({
        summary: 'Create an account',
        description:
          'Creates the account and starts its session. Unknown fields are rejected. A session that ' +
          'cannot connect does not fail the request: the account shows `status: failed` (or another ' +
          'parked status) instead.',
        tags,
        body: createAccountBody,
        responses: { 201: { ...account, description: 'Created' } },
        errors: {
          VALIDATION_FAILED: 'the body does not match its schema (also a bad `config.sendRate`)',
          CONNECTOR_UNKNOWN: 'no connector of this kind is registered',
          ACCOUNT_EXISTS: 'an account with this id already exists',
          STORAGE_FAILED: 'the store failed',
        },
      }),
    },
    async (request, reply) => {
      const input = parse(createAccountBody, request.body, 'account');
      const account = await linda.createAccount(input);
      return reply.status(201).send(accountView(account));
    },
  );

  app.get(
    '/accounts',
    {
      schema: describeRoute({
        summary: 'List accounts',
        tags,
        responses: { 200: { description: 'Every account and the default one', schema: accountListSchema } },
        errors: ['STORAGE_FAILED'],
      }),
    },
    async (): Promise<z.output<typeof accountListSchema>> => {
      const [accounts, defaultAccount] = await Promise.all([linda.listAccounts(), linda.defaultAccount()]);
      return { accounts: accounts.map(accountView), defaultAccount: defaultAccount ?? null };
    },
  );

  app.get(
    '/accounts/:id',
    {
      schema: describeRoute({
        summary: 'Get an account',
        tags,
        params: accountParams,
        responses: { 200: account },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { id } = parse(accountParams, request.params, 'account id');
      return accountView(await linda.getAccount(id));
    },
  );

  app.delete(
    '/accounts/:id',
    {
      schema: describeRoute({
        summary: 'Remove an account',
        description: 'Stops the session and deletes its auth state; `purge=true` also deletes its messages.',
        tags,
        params: accountParams,
        querystring: removeQuery,
        responses: { 204: { description: 'Removed' } },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND', 'STORAGE_FAILED'],
      }),
    },
    async (request, reply) => {
      const { id } = parse(accountParams, request.params, 'account id');
      const { purge } = parse(removeQuery, request.query, 'query');
      await linda.removeAccount(id, { purge });
      return reply.status(204).send();
    },
  );

  app.post(
    '/accounts/:id/start',
    {
      schema: describeRoute({
        summary: 'Start an account',
        description:
          "Starts the account's session (again, if it was parked: logged out, failed, ...). A session " +
          'that cannot connect does not fail the request: see the returned `status`.',
        tags,
        params: accountParams,
        responses: { 200: account },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND', 'STORAGE_FAILED'],
      }),
    },
    async (request) => {
      const { id } = parse(accountParams, request.params, 'account id');
      return accountView(await linda.startAccount(id));
    },
  );

  app.post(
    '/accounts/:id/stop',
    {
      schema: describeRoute({
        summary: 'Stop an account',
        tags,
        params: accountParams,
        responses: { 200: account },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { id } = parse(accountParams, request.params, 'account id');
      return accountView(await linda.stopAccount(id));
    },
  );

  app.post(
    '/accounts/:id/use',
    {
      schema: describeRoute({
        summary: 'Make an account the default',
        description: 'Sends and CLI commands without an account use the default one.',
        tags,
        params: accountParams,
        responses: { 200: { description: 'The new default account', schema: defaultAccountSchema } },
        errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND', 'STORAGE_FAILED'],
      }),
    },
    async (request): Promise<z.output<typeof defaultAccountSchema>> => {
      const { id } = parse(accountParams, request.params, 'account id');
      const ctx = await linda.setDefaultAccount(id);
      return { defaultAccount: ctx.account };
    },
  );
}
