import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LindaError } from '../domain/errors.js';

/**
 * Compares a presented key with the expected one in constant time. Both sides are hashed first so
 * the comparison neither short-circuits nor reveals the key's length.
 */
export function keysMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Requires `Authorization: Bearer <apiKey>` on every URL under `prefix` (unknown routes included,
 * so an unauthenticated client cannot probe which routes exist). Other URLs stay open.
 */
export function installAuth(app: FastifyInstance, apiKey: string, prefix = '/v1'): void {
  if (apiKey.length === 0) throw new Error('apiKey must not be empty');
  app.addHook('onRequest', async (request) => {
    // The matched route pattern catches encoded URLs; the raw path covers unknown routes.
    const under = (path: string | undefined) => path === prefix || path?.startsWith(`${prefix}/`) === true;
    if (!under(request.routeOptions.url) && !under(request.url.split('?')[0])) return;
    const token = bearerToken(request);
    if (token === undefined) {
      throw new LindaError('UNAUTHORIZED', 'missing Authorization: Bearer <api key> header');
    }
    if (!keysMatch(token, apiKey)) throw new LindaError('UNAUTHORIZED', 'invalid API key');
  });
}
