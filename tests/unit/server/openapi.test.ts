import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify, { type InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../../src/domain/errors.js';
import { describeRoute, installOpenApi } from '../../../src/server/openapi.js';
import { API_KEY, errorCode, type Harness, startHarness } from './harness.js';

/** A route as Fastify registered it. */
interface RegisteredRoute {
  method: string;
  url: string;
  hidden: boolean;
}

// Every Fastify instance records every route it registers, whichever way it was registered (at
// the root, in a plugin, by a third-party plugin): the list the spec is checked against.
const registered = vi.hoisted(() => new Map<object, RegisteredRoute[]>());
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify')>();
  const build = ((opts?: Record<string, unknown>) => {
    const app = (real.default as (o?: Record<string, unknown>) => import('fastify').FastifyInstance)(opts);
    const routes: RegisteredRoute[] = [];
    registered.set(app, routes);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        routes.push({
          method,
          url: route.url,
          hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true,
        });
      }
    });
    return app;
  }) as unknown as typeof real.default;
  return { ...real, default: build, fastify: build };
});

interface Operation {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  responses?: Record<
    string,
    {
      description?: string;
      content?: Record<string, { schema?: { $ref?: string }; examples?: Record<string, unknown> }>;
    }
  >;
}
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

const isV1 = (url: string) => url === '/v1' || url.startsWith('/v1/');
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');
const ERROR_REF = '#/components/schemas/LindaError';

/**
 * What is wrong with the documentation of `routes` in `spec`: every route but Swagger UI's own
 * needs a summary, a documented success response, error responses with the shared error body
 * whose codes match their status, and under `/v1` the bearer scheme and a 401.
 */
function problems(spec: Spec, routes: RegisteredRoute[]): string[] {
  const found: string[] = [];
  for (const route of routes) {
    if (route.method === 'HEAD') continue; // Fastify's automatic twin of each GET
    if (route.hidden && isDocs(route.url)) continue; // Swagger UI's own page, assets and spec
    const name = `${route.method} ${route.url}`;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = spec.paths[path]?.[route.method.toLowerCase()];
    if (op === undefined) {
      found.push(`${name}: not in the spec`);
      continue;
    }
    if (!op.summary) found.push(`${name}: no summary`);
    const responses = Object.entries(op.responses ?? {});
    const success = responses.filter(([s, r]) => /^2\d\d$/.test(s) && r.description !== 'Default Response');
    if (success.length === 0) found.push(`${name}: no documented success response`);
    // Error responses carry the shared error body and list their codes; a route may also
    // document a body of its own under an error status (`/ready`'s 503).
    const errors = responses.filter(
      ([s, r]) => /^[45]\d\d$/.test(s) && r.content?.['application/json']?.schema?.$ref === ERROR_REF,
    );
    if (errors.length === 0) found.push(`${name}: no documented error response`);
    for (const [status, response] of errors) {
      const codes = [...(response.description ?? '').matchAll(/^- `([A-Z_]+)`/gm)].map(
        (m) => m[1] as ErrorCode,
      );
      if (codes.length === 0) found.push(`${name}: ${status} lists no error code`);
      for (const code of codes) {
        if (String(ERROR_STATUS[code]) !== status) found.push(`${name}: ${code} listed under ${status}`);
      }
    }
    if (isV1(route.url)) {
      if (!op.security?.some((s) => 'apiKey' in s)) found.push(`${name}: no bearer security`);
      if (!op.responses?.['401']?.description?.includes('`UNAUTHORIZED`')) found.push(`${name}: no 401`);
    }
  }
  return found;
}

function routesOf(app: object): RegisteredRoute[] {
  const routes = registered.get(app);
  if (routes === undefined) throw new Error('app was not built through the mocked fastify');
  return routes;
}

describe('OpenAPI document at /docs/json', () => {
  let h: Harness;
  let spec: Spec;
  beforeAll(async () => {
    h = await startHarness();
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    spec = res.json();
  });
  afterAll(async () => {
    await h.close();
  });

  it('is a valid OpenAPI 3 document, open without an API key', async () => {
    const result = await new Validator().validate(spec as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect((spec as unknown as { openapi: string }).openapi).toMatch(/^3\./);
    expect((await h.app.inject({ method: 'GET', url: '/docs/yaml' })).statusCode).toBe(200);
  });

  it('has no dangling $ref (a zod schema with $defs would leave some)', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(spec);
    expect(refs.length).toBeGreaterThan(0);
    const dangling = refs.filter((ref) => {
      const name = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
      return name === undefined || spec.components.schemas[name] === undefined;
    });
    expect(dangling).toEqual([]);
  });

  it('documents every registered route with its success and error responses', () => {
    const routes = routesOf(h.app);
    expect(routes.filter((r) => isV1(r.url)).length).toBeGreaterThanOrEqual(13);
    expect(problems(spec, routes)).toEqual([]);
  });

  it('lists the routes a client needs, each error grouped under its status', () => {
    const ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        'POST /v1/accounts',
        'GET /v1/accounts',
        'GET /v1/accounts/{id}',
        'DELETE /v1/accounts/{id}',
        'POST /v1/accounts/{id}/start',
        'POST /v1/accounts/{id}/stop',
        'POST /v1/accounts/{id}/use',
        'POST /v1/accounts/{id}/messages',
        'GET /v1/accounts/{id}/chats/{chat}/messages',
        'GET /v1/accounts/{id}/search',
        'GET /v1/accounts/{id}/qr',
        'POST /v1/sandbox/{account}/inbound',
        'GET /v1/status',
        'GET /health',
        'GET /webhooks/cloud/{account}',
        'POST /webhooks/cloud/{account}',
      ]),
    );
    const create = spec.paths['/v1/accounts']?.post;
    expect(create?.responses?.['409']?.description).toContain('`ACCOUNT_EXISTS`');
    expect(create?.responses?.['400']?.description).toContain('`VALIDATION_FAILED`');
    expect(create?.responses?.['413']?.description).toContain('`PAYLOAD_TOO_LARGE`');
    // One example body per code, under the status it is answered with.
    const notFound =
      spec.paths['/v1/accounts/{id}/qr']?.get?.responses?.['404']?.content?.['application/json'];
    expect(Object.keys(notFound?.examples ?? {})).toEqual(['ACCOUNT_NOT_FOUND', 'NOT_FOUND']);
    const qr = spec.paths['/v1/accounts/{id}/qr']?.get?.responses?.['200']?.content;
    expect(Object.keys(qr ?? {})).toEqual(['application/json', 'image/png']);
    // Open routes carry no security requirement.
    expect(spec.paths['/health']?.get?.security).toBeUndefined();
    expect(spec.paths['/webhooks/cloud/{account}']?.post?.security).toBeUndefined();
  });

  it('serves Swagger UI at /docs without an API key', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger-ui');
  });

  it('leaves validation to the handlers: a schema violation is still a zod VALIDATION_FAILED with issues', async () => {
    const res = await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'Bad Id', extra: 1 } });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'id' })]),
    );
  });

  it('documents the error codes the routes really answer with, under their status', async () => {
    const cases: Array<[string, string, InjectOptions]> = [
      ['post', '/v1/accounts', { method: 'POST', url: '/v1/accounts', payload: { id: 'demo' } }],
      [
        'post',
        '/v1/accounts',
        { method: 'POST', url: '/v1/accounts', payload: { id: 'x', connector: 'fax' } },
      ],
      [
        'post',
        '/v1/accounts',
        {
          method: 'POST',
          url: '/v1/accounts',
          payload: 'x'.repeat(400 * 1024),
          headers: { 'content-type': 'application/json' },
        },
      ],
      ['get', '/v1/accounts/{id}', { method: 'GET', url: '/v1/accounts/nope' }],
      ['get', '/v1/accounts/{id}', { method: 'GET', url: '/v1/accounts/Not%20A%20Slug' }],
      ['delete', '/v1/accounts/{id}', { method: 'DELETE', url: '/v1/accounts/nope' }],
      ['get', '/v1/accounts/{id}/qr', { method: 'GET', url: '/v1/accounts/demo/qr' }],
      [
        'post',
        '/v1/accounts/{id}/messages',
        { method: 'POST', url: '/v1/accounts/demo/messages', payload: { to: '1' } },
      ],
      [
        'get',
        '/v1/accounts/{id}/chats/{chat}/messages',
        { method: 'GET', url: '/v1/accounts/demo/chats/..%2Fx/messages' },
      ],
      ['get', '/v1/accounts/{id}/search', { method: 'GET', url: '/v1/accounts/demo/search' }],
      [
        'post',
        '/v1/sandbox/{account}/inbound',
        { method: 'POST', url: '/v1/sandbox/nope/inbound', payload: { from: '+15550001234', text: 'hi' } },
      ],
      ['get', '/v1/status', { method: 'GET', url: '/v1/status', headers: { authorization: 'Bearer wrong' } }],
      ['get', '/webhooks/cloud/{account}', { method: 'GET', url: '/webhooks/cloud/demo' }],
      ['post', '/webhooks/cloud/{account}', { method: 'POST', url: '/webhooks/cloud/nope', payload: {} }],
      ['get', '/v1/webhooks/{id}', { method: 'GET', url: '/v1/webhooks/wh_nope' }],
      ['get', '/v1/webhooks/deliveries/{id}', { method: 'GET', url: '/v1/webhooks/deliveries/999999' }],
      ['get', '/v1/events', { method: 'GET', url: '/v1/events?types=bogus' }],
      ['get', '/metrics', { method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } }],
      ['get', '/dashboard/{file}', { method: 'GET', url: '/dashboard/nope.exe' }],
    ];
    for (const [method, path, request] of cases) {
      const res = await h.call(request);
      const code = errorCode(res);
      expect(res.statusCode, `${request.method} ${request.url}`).toBeGreaterThanOrEqual(400);
      const documented = spec.paths[path]?.[method]?.responses?.[String(res.statusCode)]?.description ?? '';
      expect(documented, `${request.method} ${request.url} answered ${res.statusCode} ${code}`).toContain(
        `\`${code}\``,
      );
    }
  });

  it('still requires the API key on /v1 (the docs are open, the API is not)', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/status' });
    expect(res.statusCode).toBe(401);
    const ok = await h.app.inject({
      method: 'GET',
      url: '/v1/status',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('the documentation check', () => {
  it('catches an undocumented or a hidden route; auth: true documents a token check outside /v1', async () => {
    const app = Fastify();
    installOpenApi(app);
    app.register(
      (v1, _opts, done) => {
        v1.get(
          '/documented',
          {
            schema: describeRoute({
              summary: 'Documented',
              tags: ['test'],
              responses: { 200: { description: 'ok' } },
              errors: ['NOT_FOUND'],
            }),
          },
          async () => ({}),
        );
        v1.get('/forgotten', async () => ({}));
        v1.get('/hidden', { schema: { hide: true } }, async () => ({}));
        done();
      },
      { prefix: '/v1' },
    );
    app.register((root, _opts, done) => {
      root.get('/hidden-page', { schema: { hide: true } }, async () => '');
      root.get(
        '/scrape',
        {
          schema: describeRoute({
            summary: 'Checks a token itself',
            tags: ['test'],
            auth: true,
            responses: { 200: { description: 'ok', contentType: 'text/plain', schema: { type: 'string' } } },
          }),
        },
        async () => '',
      );
      done();
    });
    await app.ready();
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as Spec;
    const scrape = spec.paths['/scrape']?.get;
    expect(scrape?.security).toEqual([{ apiKey: [] }]);
    expect(scrape?.responses?.['401']?.description).toContain('`UNAUTHORIZED`');
    expect(scrape?.responses?.['503']).toBeUndefined(); // ENGINE_STOPPED is for /v1 only
    const found = problems(spec, routesOf(app));
    await app.close();
    expect(found).toEqual(
      expect.arrayContaining([
        'GET /v1/forgotten: no summary',
        'GET /v1/forgotten: no documented success response',
        'GET /v1/forgotten: no documented error response',
        'GET /v1/hidden: not in the spec',
        'GET /hidden-page: not in the spec',
      ]),
    );
    expect(found.filter((p) => p.startsWith('GET /v1/documented'))).toEqual([]);
  });

  it('is documentation only, even on an instance without installOpenApi: nothing validated, nothing stripped', async () => {
    const app = Fastify();
    app.post(
      '/items/:id',
      {
        schema: describeRoute({
          summary: 'Strict on paper',
          tags: ['test'],
          params: z.object({ id: z.string().regex(/^[a-z]+$/) }),
          querystring: z.strictObject({ n: z.coerce.number().int() }),
          body: z.strictObject({ name: z.string() }),
          responses: { 200: { description: 'ok', schema: z.strictObject({ ok: z.boolean() }) } },
        }),
      },
      async (request) => ({ ok: 'yes', params: request.params, query: request.query, body: request.body }),
    );
    const res = await app.inject({
      method: 'POST',
      url: '/items/N0T-A-SLUG?n=x&extra=1',
      payload: { name: 5, extra: true },
    });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ok: 'yes',
      params: { id: 'N0T-A-SLUG' },
      query: { n: 'x', extra: '1' },
      body: { name: 5, extra: true },
    });
  });
});
