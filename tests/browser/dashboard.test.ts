import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type RunningServer } from '../../src/server/launch.js';
import { tempDir } from '../support/engine.js';

/**
 * The dashboard in a real browser: Debian's chromium (installed by `.ci/run` with apt-get, never
 * downloaded) driven by playwright-core against a real engine and server. Screenshots of every
 * step go to `test-artifacts/dashboard/`; `DASHBOARD_SCREENSHOT=docs/dashboard.png` also writes
 * the README's picture.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/dashboard');

/** What the tests read from page elements (this file compiles without the DOM library). */
interface Drawn {
  dataset: Record<string, string | undefined>;
  toDataURL(): string;
}

/** `expect.poll` with room for a busy machine (its default gives up after one second). */
const eventually = <T>(fn: () => T | Promise<T>, opts: { timeout: number } = { timeout: 5000 }) =>
  expect.poll(fn, opts);

/** True when dist/dashboard is newer than every source of it (`npm run build` just ran, say). */
function dashboardBuilt(): boolean {
  const out = join(ROOT, 'dist/dashboard');
  const sources = join(ROOT, 'src/dashboard');
  const files = readdirSync(sources, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  const outputs = files
    .filter((f) => f.parentPath === sources && !f.name.endsWith('.d.ts'))
    .map((f) => join(out, f.name.replace(/\.ts$/, '.js')));
  if (!outputs.every((f) => existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const inputs = [...files.map((f) => join(f.parentPath, f.name)), join(ROOT, 'tsconfig.dashboard.json')];
  return inputs.every((f) => statSync(f).mtimeMs <= built);
}

describe('dashboard in a browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let removeDir: () => void = () => {};
  const problems: string[] = [];

  const shot = async (name: string) => {
    await page.evaluate('window.scrollTo(0, 0)'); // the sticky top bar belongs at the top
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };

  /** A virtual contact writes to the demo bot through the API (traffic for the charts). */
  const say = (from: string, text: string, account = 'demo') =>
    call('POST', `/v1/sandbox/${account}/inbound`, { from, text });

  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.ok).toBe(true);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}. The browser tests drive Debian's chromium: ` +
          'apt-get install -y chromium (.ci/run does this), or set CHROMIUM_PATH.',
      );
    }
    // The route serves dist/dashboard; `npm test` must work on a fresh clone without a build.
    if (!dashboardBuilt()) {
      execFileSync('npm', ['run', '--silent', 'build:dashboard'], { cwd: ROOT, stdio: 'inherit' });
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const tmp = tempDir('linda-dashboard-');
    removeDir = tmp.remove;
    server = await launch({
      dataDir: tmp.dir,
      host: '127.0.0.1',
      port: 0,
      demo: true,
      logger: pino({ level: 'silent' }),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    // A CSP violation or a script error fails the suite (checked at the end).
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    removeDir();
  });

  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await page.goto(server.url);
    expect(res?.status()).toBe(200);
    const headers = res?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    await page.locator('#login-key').waitFor();
  });

  it('refuses a wrong key: an error, and nothing loaded', async () => {
    const v1: string[] = [];
    const track = (req: { url(): string }) => {
      if (new URL(req.url()).pathname.startsWith('/v1/')) v1.push(new URL(req.url()).pathname);
    };
    page.on('request', track);
    await page.fill('#login-key', 'not-the-key');
    await page.click('#login-submit');
    await eventually(() => page.textContent('#login-error')).toContain('not valid');
    page.off('request', track);
    expect(await page.isHidden('#app')).toBe(true);
    expect(await page.locator('#accounts-table tbody tr').count()).toBe(0);
    expect(v1).toEqual(['/v1/status']); // the key check, and nothing else
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await shot('1-wrong-key');
  });

  it('logs in with the key and shows the demo account ready', async () => {
    await page.fill('#login-key', server.apiKey);
    await page.click('#login-submit');
    const demo = page.locator('#accounts-table tr[data-account="demo"]');
    await eventually(() => demo.locator('.status').textContent()).toBe('ready');
    expect(await demo.locator('.connector').textContent()).toBe('sandbox');
    expect(await page.isHidden('#login')).toBe(true);
    await eventually(() => page.getAttribute('#stream-state', 'data-state')).toBe('live');
    // The key lives in this tab's sessionStorage, never in a cookie.
    expect(await page.evaluate("sessionStorage.getItem('linda.apiKey')")).toBe(server.apiKey);
    expect(await page.context().cookies()).toEqual([]);
    await shot('2-logged-in');
    // A reload keeps the tab signed in, and the charts come back with the last ticks
    // (GET /v1/stats) at once, instead of starting empty.
    const points = () => page.getAttribute('#chart-throughput', 'data-points').then(Number);
    await eventually(points).toBeGreaterThanOrEqual(4);
    const before = await points();
    await page.reload();
    await eventually(() => demo.locator('.status').textContent()).toBe('ready');
    await eventually(points, { timeout: 1500 }).toBeGreaterThanOrEqual(before);
  });

  it('answers !ping with pong in the sandbox panel, and the feed shows both', async () => {
    await page.fill('#sandbox-text', '!ping');
    await page.click('#sandbox-send');
    await eventually(() => page.locator('#sandbox-log .bubble.bot').allTextContents()).toEqual([
      expect.stringMatching(/^pong/),
    ]);
    expect(await page.locator('#sandbox-log .bubble.contact').first().textContent()).toMatch(/^!ping/);
    await eventually(() => page.locator('#feed .feed-item.in .feed-text').first().textContent()).toBe(
      '!ping',
    );
    await eventually(() => page.locator('#feed .feed-item.out .feed-text').first().textContent()).toBe(
      'pong',
    );
    await shot('3-sandbox-ping');
  });

  it('moves the charts with live traffic', async () => {
    const chart = page.locator('#chart-throughput');
    const canvas = chart.locator('canvas');
    const before = {
      points: Number(await chart.getAttribute('data-points')),
      image: await canvas.evaluate((c) => (c as unknown as Drawn).toDataURL()),
    };
    // Ten messages a second for two seconds: the in and out rates must show up.
    for (let i = 0; i < 20; i++) {
      await say(`+1555010${String(i % 10).padStart(2, '0')}`, '!ping');
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(async () => Number(await chart.getAttribute('data-max')), {
      timeout: 5000,
    }).toBeGreaterThan(1);
    // One synchronous read of every chart, so a tick cannot land in between.
    const points = await page
      .locator('.chart')
      .evaluateAll((charts) => charts.map((c) => Number((c as unknown as Drawn).dataset.points)));
    expect(points).toHaveLength(4);
    expect(points[0]).toBeGreaterThan(before.points);
    expect(new Set(points).size).toBe(1); // the other charts drew the same ticks
    expect(await canvas.evaluate((c) => (c as unknown as Drawn).toDataURL())).not.toBe(before.image);
    expect(await chart.locator('.chart-value strong').first().textContent()).toMatch(/\/s$/);
    expect(await page.locator('#kpi-in .kpi-value').textContent()).not.toBe('0');
    await shot('4-charts');
  });

  it('adds, stops, starts and removes an account (with a confirmation)', async () => {
    await page.click('#add-account');
    // A taken id: the server's error shows in the form, which stays open.
    await page.fill('.add-form input[name=id]', 'demo');
    await page.click('.add-form button[type=submit]');
    await eventually(() => page.textContent('.add-form .form-error')).toContain('exists');
    await page.fill('.add-form input[name=id]', 'shop');
    await page.fill('.add-form input[name=name]', 'Shop front');
    await page.click('.add-form button[type=submit]');
    const row = page.locator('#accounts-table tr[data-account="shop"]');
    await eventually(() => row.locator('.status').textContent()).toBe('ready');
    expect(await page.isHidden('.add-form')).toBe(true);
    expect(await page.locator('#sandbox-account option').allTextContents()).toEqual(['demo', 'shop']);
    const serverStatus = async () => {
      const res = await fetch(`${server.url}/v1/accounts/shop`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      });
      return ((await res.json()) as { status: string }).status;
    };
    await row.locator('button', { hasText: 'Stop' }).click();
    await eventually(() => row.locator('.status').textContent()).toBe('stopped');
    expect(await serverStatus()).toBe('stopped');
    await row.locator('button', { hasText: 'Start' }).click();
    await eventually(() => row.locator('.status').textContent()).toBe('ready');
    expect(await serverStatus()).toBe('ready');
    // Remove asks first; Cancel keeps the account.
    await row.locator('button', { hasText: 'Remove' }).click();
    await page.locator('dialog.confirm[open]').waitFor();
    await page.locator('dialog.confirm button', { hasText: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.locator('button', { hasText: 'Remove' }).click();
    await page.locator('dialog.confirm[open]').waitFor();
    await shot('5-remove-confirm');
    await page.locator('dialog.confirm button', { hasText: 'Remove' }).click();
    await eventually(() => row.count()).toBe(0);
    expect(await page.locator('#accounts-table tr[data-account="demo"]').count()).toBe(1);
    expect(await page.locator('#sandbox-account option').allTextContents()).toEqual(['demo']);
  });

  it('shows the QR code of a linking Baileys account, refreshes it, and sees the link', async () => {
    // Linking a real phone needs WhatsApp's servers; the browser's requests for such an account
    // are answered here instead (the QR route itself is tested in tests/unit/server).
    let linked = false;
    let qr = 'linda-test-qr-1';
    await page.route('**/v1/accounts', async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const response = await route.fetch();
      const body = (await response.json()) as { accounts: unknown[] };
      body.accounts.push({
        id: 'phone',
        name: 'Phone',
        phone: null,
        connector: 'baileys',
        status: linked ? 'ready' : 'starting',
        createdAt: Date.now(),
        configKeys: [],
      });
      await route.fulfill({ response, json: body });
    });
    await page.route('**/v1/accounts/phone', (route) =>
      route.fulfill({ json: { id: 'phone', connector: 'baileys', status: linked ? 'ready' : 'starting' } }),
    );
    await page.route('**/v1/accounts/phone/qr*', async (route) => {
      if (linked)
        return route.fulfill({ status: 404, json: { error: { code: 'NOT_FOUND', message: 'not linking' } } });
      if (new URL(route.request().url()).searchParams.get('format') === 'png') {
        return route.fulfill({ contentType: 'image/png', body: await QRCode.toBuffer(qr, { width: 256 }) });
      }
      return route.fulfill({ json: { qr, pairingCode: null } });
    });
    await page.reload();
    const image = page.locator('#qr img.qr-image');
    await image.waitFor();
    expect(await page.textContent('#qr h2')).toContain('phone');
    const first = await image.getAttribute('src');
    expect(first).toMatch(/^blob:/);
    expect(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(
      256,
    );
    await shot('6-qr');
    qr = 'linda-test-qr-2'; // Baileys rotated the code
    await eventually(() => image.getAttribute('src'), { timeout: 5000 }).not.toBe(first);
    linked = true;
    await eventually(() => page.locator('#qr .qr-done').textContent(), { timeout: 5000 }).toContain(
      'Linked. The account is ready.',
    );
    expect(await page.locator('#qr img').count()).toBe(0);
    await page.unrouteAll();
  });

  it('follows a dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await eventually(() =>
      page.locator('#accounts-table tr[data-account="demo"] .status').textContent(),
    ).toBe('ready');
    await page.fill('#sandbox-text', '!ping');
    await page.click('#sandbox-send');
    await eventually(() => page.locator('#sandbox-log .bubble.bot').count()).toBe(1);
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(11, 17, 23)');
    await shot('7-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
  });

  // Not part of `npm test`: DASHBOARD_SCREENSHOT=docs/dashboard.png npx vitest run tests/browser
  it.runIf(process.env.DASHBOARD_SCREENSHOT !== undefined)(
    "takes the README's screenshot after 80 s of varied traffic",
    async () => {
      await page.reload(); // a clean page: no test panels left open
      await call('POST', '/v1/accounts', { id: 'support', name: 'Support desk', phone: '+15550000042' });
      const texts = ['!ping', 'hello', '!help', 'where is my order?', '!status', 'thanks!'];
      const started = Date.now();
      let n = 0;
      while (Date.now() - started < 80_000) {
        const t = (Date.now() - started) / 1000;
        const perSecond = 7 + 5 * Math.sin(t / 6) + 3 * Math.sin(t / 1.7);
        const from = `+1555020${String(n % 37).padStart(2, '0')}`;
        await say(from, texts[n % texts.length] ?? '!ping', n % 3 === 0 ? 'support' : 'demo');
        n++;
        await new Promise((r) => setTimeout(r, 1000 / Math.max(1, perSecond)));
      }
      for (const text of ['!ping', '!help', '!status']) {
        await page.fill('#sandbox-text', text);
        await page.click('#sandbox-send');
        await page.locator('#sandbox-log .typing').waitFor({ state: 'detached' });
      }
      await eventually(() => page.locator('#sandbox-log .bubble.bot').count()).toBe(3);
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(ROOT, process.env.DASHBOARD_SCREENSHOT ?? ''), fullPage: true });
    },
    150_000,
  );

  it('ran without script errors or CSP violations', () => {
    // The browser logs every failed response; these are the page working as meant.
    const expected = [
      /status of 401 .*\/v1\/status\)$/, // the wrong key
      /status of 409 .*\/v1\/accounts\)$/, // the taken account id
      /status of 404 .*\/v1\/accounts\/phone\/qr\)$/, // the linked account
    ];
    expect(problems.filter((p) => !expected.some((e) => e.test(p)))).toEqual([]);
  });
});
