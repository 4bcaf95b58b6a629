import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { LindaError } from '../../domain/errors.js';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { binarySchema, describeRoute } from '../openapi.js';
import { accountParams } from '../schemas.js';
import { linkingSchema } from '../views.js';

const qrQuery = z.strictObject({ format: z.enum(['json', 'png']).default('json') });

/**
 * `GET /v1/accounts/:id/qr`: what an account that is linking a device waits on — `{ qr,
 * pairingCode }`, or with `?format=png` the QR code as an image to scan. 404 NOT_FOUND when the
 * account is not linking (already linked, stopped, or gave up). Never cached: codes rotate.
 */
export function registerQrRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.get(
    '/accounts/:id/qr',
    {
      schema: describeRoute({
        summary: 'QR code or pairing code of a linking account',
        description:
          'What an account that is linking a device waits on: `{ qr, pairingCode }` as JSON, or ' +
          'with `format=png` the QR code as an image to scan. Sent with `Cache-Control: no-store`: ' +
          'codes rotate, poll again.',
        tags: ['accounts'],
        params: accountParams,
        querystring: qrQuery,
        responses: {
          200: {
            description: 'The code to scan or type (JSON), or the QR image (`format=png`)',
            content: { 'application/json': linkingSchema, 'image/png': binarySchema },
          },
        },
        errors: {
          VALIDATION_FAILED: 'bad account id or query',
          ACCOUNT_NOT_FOUND: 'no account with this id',
          NOT_FOUND:
            'the account is not linking a device (linked already, stopped, or gave up), or asked ' +
            'for a PNG while it links with a pairing code',
        },
      }),
    },
    async (request, reply) => {
      const { id } = parse(accountParams, request.params, 'account id');
      const { format } = parse(qrQuery, request.query, 'query');
      await linda.getAccount(id); // ACCOUNT_NOT_FOUND for an unknown account
      const info = linda.linking(id);
      if (info === undefined) {
        throw new LindaError('NOT_FOUND', `account "${id}" is not linking a device`, { id });
      }
      reply.header('cache-control', 'no-store');
      if (format === 'png') {
        if (info.qr === undefined) {
          throw new LindaError('NOT_FOUND', `account "${id}" links with a pairing code, not a QR code`, {
            id,
          });
        }
        const png = await QRCode.toBuffer(info.qr, { type: 'png', margin: 2, width: 384 });
        return reply.type('image/png').send(png);
      }
      const linking: z.output<typeof linkingSchema> = {
        qr: info.qr ?? null,
        pairingCode: info.pairingCode ?? null,
      };
      return linking;
    },
  );
}
