import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { launch, type RunningServer } from '../../../src/server/launch.js';
import { tempDir } from '../../support/engine.js';

const logger = pino({ level: 'silent' });

describe('the metrics token of linda start', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function start(dataDir: string, metricsToken?: string): Promise<RunningServer> {
    const server = await launch({ dataDir, host: '127.0.0.1', port: 0, demo: false, logger, metricsToken });
    cleanup.push(() => server.close());
    return server;
  }

  const get = (server: RunningServer, path: string, token: string) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('is created once in <data>/metrics-token (0600), opens /metrics and no /v1 route', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const first = await start(tmp.dir);
    const path = join(tmp.dir, 'metrics-token');
    expect(first.metricsToken).toMatchObject({ path, created: true });
    expect(readFileSync(path, 'utf8').trim()).toBe(first.metricsToken.token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.metricsToken.token).not.toBe(first.apiKey);

    const metrics = await get(first, '/metrics', first.metricsToken.token);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('linda_messages_total');
    expect((await get(first, '/v1/status', first.metricsToken.token)).status).toBe(401);
    expect((await get(first, '/metrics', first.apiKey)).status).toBe(200);
    await first.close();

    const second = await start(tmp.dir);
    expect(second.metricsToken).toEqual({ token: first.metricsToken.token, path, created: false });
  });

  it('comes from LINDA_METRICS_TOKEN when set, without a file', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const server = await start(tmp.dir, ' from-the-environment-0123 ');
    expect(server.metricsToken).toEqual({
      token: 'from-the-environment-0123',
      path: undefined,
      created: false,
    });
    expect(existsSync(join(tmp.dir, 'metrics-token'))).toBe(false);
    expect((await get(server, '/metrics', 'from-the-environment-0123')).status).toBe(200);
    expect((await get(server, '/metrics', 'something-else')).status).toBe(401);
  });
});
