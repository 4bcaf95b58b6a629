import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeRoute, type RouteDoc } from '../openapi.js';

/**
 * Where `npm run build` (and the browser tests) put the compiled dashboard: `<package>/dist/dashboard`,
 * the same path whether this module runs from `src/server/routes` (tests) or `dist/server/routes`.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

/**
 * The page only talks to its own origin, runs no inline script or style attribute, and cannot be
 * framed. `blob:` images are the QR codes, fetched with the key and shown through object URLs.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A compiled or static file of the dashboard: a flat name, nothing that could leave the folder. */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(js|css|svg)$/;

const tags = ['dashboard'];
const ifNoneMatch = z.object({
  'if-none-match': z.string().optional().meta({ description: 'ETag of a cached copy' }),
});
const notModified = { description: 'Not modified: the cached copy (ETag) is current' };
const fileErrors = { ROUTE_NOT_FOUND: 'no dashboard file by this name' } as const;

const pageDoc: RouteDoc = {
  summary: 'Dashboard page',
  description:
    'The operator dashboard (open: the page holds no data; it asks for the API key and calls `/v1`). ' +
    'Served with a strict CSP, no framing, `Cache-Control: no-cache` and an ETag.',
  tags,
  headers: ifNoneMatch,
  responses: {
    200: { description: 'The page', contentType: 'text/html', schema: z.string() },
    304: notModified,
    503: {
      description: 'The dashboard is not built (`npm run build`)',
      contentType: 'text/plain',
      schema: z.string(),
    },
  },
};

const assetDoc: RouteDoc = {
  summary: 'Dashboard script, style or image',
  tags,
  params: z.object({
    file: z.string().regex(ASSET_NAME).meta({ description: 'A flat file name: `app.js`, `app.css`, ...' }),
  }),
  headers: ifNoneMatch,
  responses: {
    200: {
      description: 'The file',
      content: { 'text/javascript': z.string(), 'text/css': z.string(), 'image/svg+xml': z.string() },
    },
    304: notModified,
  },
  errors: fileErrors,
};

const vendorDoc: RouteDoc = {
  summary: 'Dashboard vendor file (uPlot)',
  tags,
  params: z.object({ file: z.enum(['uplot.js', 'uplot.css']) }),
  headers: ifNoneMatch,
  responses: {
    200: { description: 'The file', content: { 'text/javascript': z.string(), 'text/css': z.string() } },
    304: notModified,
  },
  errors: fileErrors,
};

/** Options of {@link registerDashboardRoutes}. */
export interface DashboardOptions {
  /** Folder of the compiled dashboard; default {@link DASHBOARD_DIR}. */
  dir?: string;
}

/**
 * The dashboard: `GET /` (the page) and `GET /dashboard/*` (its scripts, styles and uPlot from
 * node_modules). Open, since the page holds no data: everything it shows comes from `/v1` with
 * the API key the operator types in. Revalidated on every load (`no-cache` + ETag) so an upgrade
 * is seen at once. `/` answers 503 when `npm run build` has not run.
 */
export function registerDashboardRoutes(app: FastifyInstance, opts: DashboardOptions = {}): void {
  const dir = opts.dir ?? DASHBOARD_DIR;
  const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  const vendor: Record<string, string> = {
    'uplot.js': join(uplotDir, 'uPlot.esm.js'),
    'uplot.css': join(uplotDir, 'uPlot.min.css'),
  };
  app.get('/', { schema: describeRoute(pageDoc) }, async (request, reply) =>
    send(reply, request.headers['if-none-match'], join(dir, 'index.html')),
  );

  app.get('/dashboard/vendor/:file', { schema: describeRoute(vendorDoc) }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const path = vendor[file];
    if (path === undefined) return notFound(reply, file);
    return send(reply, request.headers['if-none-match'], path);
  });

  app.get('/dashboard/:file', { schema: describeRoute(assetDoc) }, async (request, reply) => {
    const { file } = request.params as { file: string };
    if (!ASSET_NAME.test(file)) return notFound(reply, file);
    return send(reply, request.headers['if-none-match'], join(dir, file));
  });
}

async function send(
  reply: FastifyReply,
  ifNoneMatch: string | undefined,
  path: string,
): Promise<FastifyReply> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (path.endsWith('index.html')) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built: run `npm run build`.\n');
    }
    return notFound(reply, path.slice(path.lastIndexOf('/') + 1));
  }
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  securityHeaders(reply);
  reply.header('cache-control', 'no-cache').header('etag', etag);
  if (ifNoneMatch === etag) return reply.status(304).send();
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return reply.type(TYPES[ext] ?? 'application/octet-stream').send(body);
}

function securityHeaders(reply: FastifyReply): void {
  reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

function notFound(reply: FastifyReply, file: string): FastifyReply {
  return reply
    .status(404)
    .send({ error: { code: 'ROUTE_NOT_FOUND', message: `no dashboard file ${file.slice(0, 100)}` } });
}
