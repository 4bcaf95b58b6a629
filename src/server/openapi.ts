import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../domain/errors.js';

/**
 * OpenAPI for the HTTP API. Routes declare their documentation with {@link describeRoute} (zod
 * schemas converted to JSON Schema); {@link installOpenApi} serves the spec at `/docs/json` and
 * Swagger UI at `/docs`. Route schemas are documentation only: handlers keep validating with
 * zod (stable VALIDATION_FAILED bodies) and replies are serialized with plain JSON.stringify.
 */

/** A JSON Schema written by hand, for what zod does not describe (raw bodies, binary). */
export type JsonSchema = Record<string, unknown>;

/** A binary body (an image, a file). */
export const binarySchema: JsonSchema = { type: 'string', format: 'binary' };

/** One success response of a route. */
export interface SuccessDoc {
  description: string;
  /** The body: a zod schema (its output side) or a JSON Schema. Omit for a bodiless reply (204). */
  schema?: z.ZodType | JsonSchema;
  /** Media type of the body; default `application/json`. */
  contentType?: string;
  /** Instead of `schema`: one body per media type, when the client picks (JSON or PNG, ...). */
  content?: Readonly<Record<string, z.ZodType | JsonSchema>>;
}

/** What {@link describeRoute} needs to document one route. */
export interface RouteDoc {
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Zod schemas of the request parts, as the handler parses them (their input side is shown). */
  params?: z.ZodType;
  querystring?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType | JsonSchema;
  /** Media type of the body; default `application/json`. */
  bodyContentType?: string;
  /**
   * Needs `Authorization: Bearer ...` (adds the bearer scheme and UNAUTHORIZED). Default: only
   * under `/v1`; set it for an open-path route that checks a token itself (`/metrics`).
   */
  auth?: boolean;
  /** Success responses by HTTP status. */
  responses: Readonly<Record<number, SuccessDoc>>;
  /**
   * Error codes the route itself can answer with, or a code → why map for route-specific wording.
   * Added for you: UNAUTHORIZED and ENGINE_STOPPED under `/v1`, VALIDATION_FAILED and
   * PAYLOAD_TOO_LARGE on POST, PUT and PATCH routes and on routes with a body, INTERNAL everywhere.
   */
  errors?: readonly ErrorCode[] | Readonly<Partial<Record<ErrorCode, string>>>;
}

/**
 * Where {@link describeRoute} keeps the request and response schemas. Not in `params`, `body`,
 * `response`, ... where Fastify would compile them into validators and serializers: the route is
 * documentation only on any Fastify instance. {@link documentRoute} puts them in place for the spec.
 */
const DOC_KEY = 'x-linda-doc';

/** What {@link describeRoute} stores under {@link DOC_KEY}. */
interface StoredDoc {
  request: Partial<Record<'params' | 'querystring' | 'headers' | 'body', JsonSchema>>;
  response: Record<string, JsonSchema>;
  errors: Partial<Record<ErrorCode, string>>;
  auth: boolean;
}

/** Name of the shared error body schema (`#/components/schemas/LindaError`). */
export const ERROR_SCHEMA_ID = 'LindaError';

/** Name of the security scheme every `/v1` route requires. */
export const SECURITY_SCHEME = 'apiKey';

/**
 * What each error code means to a client, used when a route gives no wording of its own. Partial
 * on purpose: a new code in errors.ts is listed by name until it gets a line here.
 */
const ERROR_DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'the request does not match its schema; `details.issues` lists every problem by path',
  PAYLOAD_TOO_LARGE: 'the request body is larger than the server limit',
  UNAUTHORIZED: 'missing or wrong `Authorization: Bearer <api key>` header',
  NOT_FOUND: 'the thing asked for does not exist',
  ACCOUNT_NOT_FOUND: 'no account with this id',
  ACCOUNT_EXISTS: 'an account with this id already exists',
  WEBHOOK_NOT_FOUND: 'no webhook with this id',
  DELIVERY_NOT_FOUND: 'no webhook delivery with this id',
  NO_DEFAULT_ACCOUNT: 'no default account is set',
  SESSION_NOT_READY: 'the account is not connected yet',
  ROUTE_NOT_FOUND: 'no such route',
  RATE_LIMITED: 'too many requests; retry later',
  CONNECTOR_UNKNOWN: 'no connector of this kind is registered',
  CONNECTOR_FAILED: 'the network connector failed',
  SEND_FAILED: 'the message could not be sent',
  STORAGE_FAILED: 'the store failed',
  STORAGE_CORRUPT: 'the store is corrupt',
  STORAGE_UNWRITABLE: 'the store cannot be written',
  ENGINE_STOPPED: 'the engine is stopping or stopped',
  TIMEOUT: 'the operation timed out',
  INTERNAL: 'unexpected failure (nothing about it is shown)',
};

/** The body of every error response (see errors.ts). */
const errorBodySchema: JsonSchema = {
  $id: ERROR_SCHEMA_ID,
  type: 'object',
  description: 'Every error response: a stable `code` to search for, a message, and safe details.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** Zod → JSON Schema as shown in the spec (no `$schema`; anything unrepresentable is `{}`). */
function toJsonSchema(schema: z.ZodType | JsonSchema, io: 'input' | 'output'): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/**
 * A route's `schema`, for documentation only on any Fastify instance: Fastify compiles no
 * validator or serializer from it (validation stays in the handler, replies keep their JSON).
 * @example
 *   app.get('/accounts/:id', { schema: describeRoute({ summary: 'Get an account', tags: ['accounts'],
 *     params: accountParams, responses: { 200: { description: 'The account', schema: accountViewSchema } },
 *     errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'] }) }, handler);
 */
export function describeRoute(doc: RouteDoc): FastifySchema {
  const response: Record<string, JsonSchema> = {};
  for (const [status, success] of Object.entries(doc.responses)) {
    response[status] = successResponse(success);
  }
  const errors: Partial<Record<ErrorCode, string>> = Array.isArray(doc.errors)
    ? Object.fromEntries((doc.errors as readonly ErrorCode[]).map((code) => [code, '']))
    : { ...(doc.errors as Readonly<Partial<Record<ErrorCode, string>>> | undefined) };
  const request: StoredDoc['request'] = {};
  if (doc.params !== undefined) request.params = toJsonSchema(doc.params, 'input');
  if (doc.querystring !== undefined) request.querystring = toJsonSchema(doc.querystring, 'input');
  if (doc.headers !== undefined) request.headers = toJsonSchema(doc.headers, 'input');
  if (doc.body !== undefined) {
    const body = toJsonSchema(doc.body, 'input');
    request.body =
      doc.bodyContentType === undefined ? body : { content: { [doc.bodyContentType]: { schema: body } } };
  }
  const stored: StoredDoc = { request, response, errors, auth: doc.auth === true };
  return {
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    tags: doc.tags,
    [DOC_KEY]: stored,
  } as FastifySchema;
}

function successResponse(success: SuccessDoc): JsonSchema {
  if (success.content !== undefined) {
    const content = Object.fromEntries(
      Object.entries(success.content).map(([type, schema]) => [
        type,
        { schema: toJsonSchema(schema, 'output') },
      ]),
    );
    return { description: success.description, content };
  }
  if (success.schema === undefined) return { description: success.description, type: 'null' };
  const schema = toJsonSchema(success.schema, 'output');
  if (success.contentType === undefined) return { ...schema, description: success.description };
  return { description: success.description, content: { [success.contentType]: { schema } } };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * @fastify/swagger's `transform`: expands the error codes of a route declared with
 * {@link describeRoute} into one response per HTTP status (the shared error body, the codes
 * listed), adds the errors every such route can answer with, and the bearer scheme under `/v1`.
 * Routes without {@link describeRoute} pass through untouched, so they show as undocumented.
 */
export function documentRoute(args: {
  schema: FastifySchema;
  url: string;
  route: { method: string | string[] };
}): {
  schema: FastifySchema;
  url: string;
} {
  const { schema, url, route } = args;
  const stored = (schema as Record<string, unknown> | undefined)?.[DOC_KEY] as StoredDoc | undefined;
  if (schema === undefined || stored === undefined) return { schema, url };
  const { [DOC_KEY]: _, ...rest } = schema as Record<string, unknown>;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const v1 = url === '/v1' || url.startsWith('/v1/');
  const authenticated = stored.auth || v1;
  const codes = { ...stored.errors };
  if (authenticated) codes.UNAUTHORIZED ??= '';
  if (v1) codes.ENGINE_STOPPED ??= '';
  if (stored.request.body !== undefined || methods.some((m) => BODY_METHODS.has(m))) {
    codes.VALIDATION_FAILED ??= '';
    codes.PAYLOAD_TOO_LARGE ??= '';
  }
  codes.INTERNAL ??= '';
  const response: Record<string, unknown> = { ...stored.response };
  for (const [status, group] of errorsByStatus(codes)) {
    response[status] = {
      description: group
        .map((e) => (e.why === undefined ? `- \`${e.code}\`` : `- \`${e.code}\`: ${e.why}`))
        .join('\n'),
      content: {
        'application/json': {
          schema: { $ref: `${ERROR_SCHEMA_ID}#` },
          // One example body per code, so a reader sees the codes this status really carries.
          examples: Object.fromEntries(
            group.map((e) => [
              e.code,
              { value: { error: { code: e.code, message: (e.why ?? e.code).replaceAll('`', '') } } },
            ]),
          ),
        },
      },
    };
  }
  return {
    schema: {
      ...rest,
      ...stored.request,
      response,
      ...(authenticated ? { security: [{ [SECURITY_SCHEME]: [] }] } : {}),
    } as FastifySchema,
    url,
  };
}

/** Error codes grouped by HTTP status, each with what it means on this route. */
function errorsByStatus(
  codes: Partial<Record<ErrorCode, string>>,
): Map<string, Array<{ code: ErrorCode; why: string | undefined }>> {
  const byStatus = new Map<string, Array<{ code: ErrorCode; why: string | undefined }>>();
  const ordered = (Object.keys(codes) as ErrorCode[]).sort(
    (a, b) => ERROR_STATUS[a] - ERROR_STATUS[b] || a.localeCompare(b),
  );
  for (const code of ordered) {
    const status = String(ERROR_STATUS[code]);
    const group = byStatus.get(status) ?? [];
    group.push({ code, why: codes[code] || ERROR_DESCRIPTIONS[code] });
    byStatus.set(status, group);
  }
  return byStatus;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Makes route schemas documentation only, and serves the OpenAPI 3.1 spec at `/docs/json` (and
 * `/docs/yaml`) with Swagger UI at `/docs`, all open. Call before registering any route: the spec
 * lists the routes registered after it inside `app.register(...)` plugins (a route added straight
 * on `app` in the same tick is registered before the swagger plugin loads, and is missed).
 */
export function installOpenApi(app: FastifyInstance): void {
  // describeRoute() hands Fastify nothing to compile; these keep a hand-written `schema` (a
  // plugin's, a quick `querystring`) documentation only too: handlers validate with zod
  // (VALIDATION_FAILED with issues) and replies keep their exact JSON.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(errorBodySchema);
  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Linda HTTP API',
        version: packageVersion(),
        description:
          'Control plane of a Linda engine. Every `/v1` route needs `Authorization: Bearer <api key>`. ' +
          'Every error answers `{ error: { code, message, details? } }` with a stable `code`.',
      },
      // The order Swagger UI shows them in; a route may use a tag not listed here.
      tags: [
        { name: 'accounts', description: 'WhatsApp accounts and their sessions' },
        { name: 'messages', description: 'Send, history and search, per account' },
        { name: 'webhooks', description: 'Outbound webhooks: Linda calls your URL on events' },
        { name: 'events', description: 'The same events as a live stream' },
        { name: 'status', description: 'Engine status, live numbers, metrics, health' },
        { name: 'sandbox', description: 'The in-process test network' },
        { name: 'cloud webhook', description: "Meta's calls into Linda (WhatsApp Cloud API accounts)" },
        { name: 'dashboard', description: 'The operator dashboard page and its files' },
      ],
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The API key in `<data dir>/api-key` (created on first start; the CLI also reads `LINDA_API_KEY`).',
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transform: documentRoute as never,
  });
  app.register(fastifySwaggerUi, { routePrefix: '/docs' });
}
