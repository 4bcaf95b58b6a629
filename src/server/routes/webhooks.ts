import type { FastifyInstance } from 'fastify';
import { isWebhookReceiver, type WebhookReceiver } from '../../connectors/types.js';
import { LindaError } from '../../domain/errors.js';
import type { LindaApi } from '../engine-api.js';

interface AccountParams {
  account: string;
}

function receiverOf(linda: LindaApi, account: string): WebhookReceiver {
  const connector = linda.connector(account);
  if (connector === undefined) {
    throw new LindaError('ACCOUNT_NOT_FOUND', `no connected account "${account}"`, { account });
  }
  if (!isWebhookReceiver(connector)) {
    throw new LindaError('NOT_FOUND', `account "${account}" does not receive webhooks`, { account });
  }
  return connector;
}

/**
 * `GET|POST /webhooks/cloud/:account`: Meta's verification handshake and event deliveries. Open
 * (Meta calls them; the connector checks the verify token and the body's HMAC signature instead
 * of the API key). The POST answers 200 only once every message in the body is durable, so a
 * failure makes Meta redeliver. Registered as a plugin: its raw-body JSON parser stays in here.
 */
export function registerWebhookRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.register((scope, _opts, done) => {
    // The signature covers the exact bytes Meta sent: keep them, parse later.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    scope.get<{ Params: AccountParams; Querystring: Record<string, string | undefined> }>(
      '/webhooks/cloud/:account',
      async (request, reply) => {
        const challenge = receiverOf(linda, request.params.account).verifyWebhook(request.query);
        return reply.type('text/plain; charset=utf-8').send(challenge);
      },
    );

    scope.post<{ Params: AccountParams; Body: Buffer | undefined }>(
      '/webhooks/cloud/:account',
      async (request, reply) => {
        const receiver = receiverOf(linda, request.params.account);
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        await receiver.receiveWebhook(body, request.headers);
        return reply.status(200).send({ ok: true });
      },
    );
    done();
  });
}
