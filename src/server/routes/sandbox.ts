import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { sandboxInboundBody, sandboxParams } from '../schemas.js';
import { sandboxExchangeSchema } from '../views.js';

/** `POST /sandbox/:account/inbound`: a virtual contact writes to a sandbox account. */
export function registerSandboxRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.post(
    '/sandbox/:account/inbound',
    {
      schema: describeRoute({
        summary: 'A virtual contact writes to a sandbox account',
        description:
          'Delivers `text` from `from` to a sandbox account through the full pipeline and answers ' +
          'with the stored message and the replies the bot sent back (within about 2 seconds).',
        tags: ['sandbox'],
        params: sandboxParams,
        body: sandboxInboundBody,
        responses: {
          200: { description: 'The inbound message and the replies', schema: sandboxExchangeSchema },
        },
        errors: {
          VALIDATION_FAILED:
            'bad account id or body, or the account is not on the in-process sandbox network',
          ACCOUNT_NOT_FOUND: 'no account with this id',
        },
      }),
    },
    async (request): Promise<z.output<typeof sandboxExchangeSchema>> => {
      const { account } = parse(sandboxParams, request.params, 'account id');
      const { from, text } = parse(sandboxInboundBody, request.body, 'inbound message');
      await linda.getAccount(account);
      return linda.sandboxSay(account, from, text);
    },
  );
}
