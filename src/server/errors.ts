import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, isLindaError } from '../domain/errors.js';

/** Body of every error response: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** An error turned into what the client sees. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/**
 * Maps anything thrown in a request to a status and a JSON body. Only `LindaError` messages and
 * Fastify's own 4xx messages reach the client; everything else becomes a bare 500 INTERNAL, so
 * no stack, path or secret leaks.
 */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (isLindaError(err)) {
    const json = err.toJSON();
    return { status: err.status, body: { error: json } };
  }
  const statusCode = (err as Partial<FastifyError> | null)?.statusCode;
  if (statusCode === 413) {
    return reply(413, 'PAYLOAD_TOO_LARGE', 'request body is larger than the limit');
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = err instanceof Error ? err.message : 'invalid request';
    return reply(400, 'VALIDATION_FAILED', message);
  }
  return reply(500, 'INTERNAL', 'internal error');
}

function reply(status: number, code: ErrorCode, message: string): ErrorResponse {
  return { status, body: { error: { code, message } } };
}

/** Installs the JSON error handler and the ROUTE_NOT_FOUND handler on `app`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, res) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: body.error.code }, 'request rejected');
    return res.status(status).send(body);
  });
  app.setNotFoundHandler((request, res) => {
    const path = (request.url.split('?')[0] ?? '').slice(0, 200);
    const body: ErrorBody = {
      error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${path}` },
    };
    return res.status(404).send(body);
  });
}
