import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isWebhookReceiver, type WebhookReceiver } from '../../connectors/types.js';
import { LindaError } from '../../domain/errors.js';
import { accountId } from '../../domain/message.js';
import type { LindaApi } from '../engine-api.js';
import { describeRoute } from '../openapi.js';
import { okSchema } from '../views.js';

interface AccountParams {
  account: string;
}

const tags = ['cloud webhook'];
const params = z.object({ account: accountId });
const receiverErrors = {
  ACCOUNT_NOT_FOUND: 'no connected account with this id',
  NOT_FOUND: 'the account does not receive webhooks (not a Cloud API account)',
} as const;

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
      {
        schema: describeRoute({
          summary: 'Cloud API webhook verification',
          description:
            "Meta's subscription handshake (open: no API key). Answers `hub.challenge` when " +
            "`hub.verify_token` is the account's `verifyToken`.",
          tags,
          params,
          querystring: z.object({
            'hub.mode': z.literal('subscribe'),
            'hub.verify_token': z.string(),
            'hub.challenge': z.string(),
          }),
          responses: {
            200: { description: 'The challenge, echoed', contentType: 'text/plain', schema: z.string() },
          },
          errors: {
            ...receiverErrors,
            UNAUTHORIZED: 'wrong `hub.mode` or `hub.verify_token`',
            VALIDATION_FAILED: '`hub.challenge` is missing',
          },
        }),
      },
      async (request, reply) => {
        const challenge = receiverOf(linda, request.params.account).verifyWebhook(request.query);
        return reply.type('text/plain; charset=utf-8').send(challenge);
      },
    );

    scope.post<{ Params: AccountParams; Body: Buffer | undefined }>(
      '/webhooks/cloud/:account',
      {
        schema: describeRoute({
          summary: 'Cloud API webhook delivery',
          description:
            'Event deliveries from Meta (open: no API key; the `X-Hub-Signature-256` HMAC of the raw ' +
            "body with the account's `appSecret` is checked instead). Answers 200 only once every " +
            'message in the body is stored, so any error makes Meta redeliver; redeliveries are deduplicated.',
          tags,
          params,
          headers: z.object({
            'x-hub-signature-256': z.string().meta({ description: '`sha256=<hex HMAC of the raw body>`' }),
          }),
          body: z
            .record(z.string(), z.unknown())
            .meta({ description: "Meta's webhook payload (`object`, `entry`)" }),
          responses: { 200: { description: 'Every message in the delivery is stored', schema: okSchema } },
          errors: {
            ...receiverErrors,
            UNAUTHORIZED: 'missing or wrong `X-Hub-Signature-256`',
            VALIDATION_FAILED: 'the body is not a JSON object',
            SESSION_NOT_READY: 'the account is not connected',
            STORAGE_FAILED: 'a message could not be stored (Meta redelivers)',
          },
        }),
      },
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
