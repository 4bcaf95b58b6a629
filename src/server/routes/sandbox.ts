import type { FastifyInstance } from 'fastify';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { sandboxInboundBody, sandboxParams } from '../schemas.js';

/** `POST /sandbox/:account/inbound`: a virtual contact writes to a sandbox account. */
export function registerSandboxRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post('/sandbox/:account/inbound', async (request) => {
    const { account } = parse(sandboxParams, request.params, 'account id');
    const { from, text } = parse(sandboxInboundBody, request.body, 'inbound message');
    await linda.getAccount(account);
    return linda.sandboxSay(account, from, text);
  });
}
