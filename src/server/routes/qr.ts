import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { LindaError } from '../../domain/errors.js';
import { parse } from '../../domain/validate.js';
import type { LindaApi } from '../engine-api.js';
import { accountParams } from '../schemas.js';

const qrQuery = z.strictObject({ format: z.enum(['json', 'png']).default('json') });

/**
 * `GET /v1/accounts/:id/qr`: what an account that is linking a device waits on — `{ qr,
 * pairingCode }`, or with `?format=png` the QR code as an image to scan. 404 NOT_FOUND when the
 * account is not linking (already linked, stopped, or gave up). Never cached: codes rotate.
 */
export function registerQrRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.get('/accounts/:id/qr', async (request, reply) => {
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
        throw new LindaError('NOT_FOUND', `account "${id}" links with a pairing code, not a QR code`, { id });
      }
      const png = await QRCode.toBuffer(info.qr, { type: 'png', margin: 2, width: 384 });
      return reply.type('image/png').send(png);
    }
    return { qr: info.qr ?? null, pairingCode: info.pairingCode ?? null };
  });
}
