import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { buildServer } from '../../src/server/app.js';
import type { LindaApi } from '../../src/server/engine-api.js';
import { API_KEY, type Harness, startHarness } from '../unit/server/harness.js';

const ACCESS_TOKEN = 'EAAG-access-token-do-not-leak';
const APP_SECRET = 'app-secret-do-not-leak';

/** Everything written to the logger, as one string. */
function captureLogs() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination: stream }), text: () => text };
}

describe('secrets stay out of responses and logs', () => {
  const logs = captureLogs();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ logger: logs.logger });
  });
  afterAll(async () => {
    await h.close();
  });

  it('never returns account config values, only their keys', async () => {
    const created = await h.call({
      method: 'POST',
      url: '/v1/accounts',
      payload: {
        id: 'cloud',
        connector: 'sandbox',
        config: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().configKeys).toEqual(['accessToken', 'appSecret']);
    const responses = [
      created,
      await h.call({ method: 'GET', url: '/v1/accounts' }),
      await h.call({ method: 'GET', url: '/v1/accounts/cloud' }),
      await h.call({ method: 'POST', url: '/v1/accounts/cloud/stop' }),
      await h.call({ method: 'POST', url: '/v1/accounts/cloud/start' }),
      await h.call({ method: 'GET', url: '/v1/status' }),
    ];
    for (const res of responses) {
      expect(res.body).not.toContain(ACCESS_TOKEN);
      expect(res.body).not.toContain(APP_SECRET);
    }
  });

  it('keeps the API key and config secrets out of the logs, even when logged on purpose', async () => {
    await h.app.inject({ method: 'GET', url: '/v1/status', headers: { authorization: 'Bearer wrong-key' } });
    await h.call({ method: 'GET', url: '/v1/accounts/cloud' });
    logs.logger.info({ headers: { authorization: `Bearer ${API_KEY}` }, apiKey: API_KEY }, 'request');
    logs.logger.info({
      account: { id: 'cloud', config: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET } },
    });
    logs.logger.info({ config: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET } }, 'config');
    const text = logs.text();
    expect(text).toContain('"url":"/v1/accounts/cloud"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(APP_SECRET);
  });

  it('answers an unexpected failure with a bare 500 INTERNAL: no message, stack or path', async () => {
    // The real engine, with one method failing the way a bug would.
    const failing = new Proxy(h.linda as LindaApi, {
      get(target, prop, receiver) {
        if (prop === 'status') {
          return async () => {
            throw new Error(`boom at /home/ops/.secrets with ${ACCESS_TOKEN}`);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const app = buildServer(failing, { apiKey: API_KEY });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/status',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    await app.close();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
});
