import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, registerDashboardRoutes } from '../../../src/server/routes/dashboard.js';
import { type Harness, startHarness } from './harness.js';

describe('dashboard routes', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linda-dashboard-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Linda</title>');
    writeFileSync(join(dir, 'main.js'), 'export {};');
    writeFileSync(join(dir, 'style.css'), 'body{}');
    writeFileSync(join(dir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, 'types.d.ts'), 'export {};');
    app = Fastify();
    registerDashboardRoutes(app, { dir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP, no framing, and revalidation', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).toContain("script-src 'self';");
    expect(DASHBOARD_CSP).not.toContain('unsafe');
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['set-cookie']).toBeUndefined();
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves scripts, styles and the icon with their content types', async () => {
    const types = {
      '/dashboard/main.js': 'text/javascript; charset=utf-8',
      '/dashboard/style.css': 'text/css; charset=utf-8',
      '/dashboard/icon.svg': 'image/svg+xml',
    };
    for (const [url, type] of Object.entries(types)) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe(type);
      expect(res.headers['content-security-policy'], url).toBe(DASHBOARD_CSP);
    }
  });

  it('serves uPlot from node_modules, and only the two files the page uses', async () => {
    const js = await app.inject({ url: '/dashboard/vendor/uplot.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('export { uPlot as default }');
    const css = await app.inject({ url: '/dashboard/vendor/uplot.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await app.inject({ url: '/dashboard/vendor/uPlot.cjs.js' })).statusCode).toBe(404);
  });

  it('serves nothing outside its folder, and no other file types', async () => {
    for (const url of [
      '/dashboard/..%2Findex.html',
      '/dashboard/%2e%2e%2f%2e%2e%2fpackage.json',
      '/dashboard/..%5Cpackage.json',
      '/dashboard/types.d.ts',
      '/dashboard/Main.js',
      '/dashboard/missing.js',
      '/dashboard/vendor/..%2F..%2Fpackage.json',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('export {}');
    }
  });

  it('answers 503 with the fix when the dashboard was never built', async () => {
    const bare = Fastify();
    registerDashboardRoutes(bare, { dir: join(dir, 'nope') });
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await bare.close();
  });
});

describe('dashboard in the API server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demo: false });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is open (the page holds no data) while /v1 still needs the key', async () => {
    const asset = await h.app.inject({ url: '/dashboard/vendor/uplot.js' });
    expect(asset.statusCode).toBe(200);
    const page = await h.app.inject({ url: '/' });
    expect([200, 503]).toContain(page.statusCode); // 503 until `npm run build` has run
    expect((await h.app.inject({ url: '/v1/status' })).statusCode).toBe(401);
  });
});
