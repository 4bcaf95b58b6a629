import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, errorCode, type Harness, startHarness } from './harness.js';

describe('API authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lets GET /health through without a key', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('rejects a /v1 request without Authorization with 401 UNAUTHORIZED', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/accounts' });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('UNAUTHORIZED');
  });

  it('rejects a wrong key, a key of another length and a non-Bearer scheme', async () => {
    for (const authorization of [
      `Bearer ${API_KEY.slice(0, -1)}x`,
      `Bearer ${API_KEY}${API_KEY}`,
      'Bearer ',
      `Basic ${API_KEY}`,
      API_KEY,
    ]) {
      const res = await h.app.inject({ method: 'GET', url: '/v1/status', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(errorCode(res)).toBe('UNAUTHORIZED');
    }
  });

  it('accepts the right key', async () => {
    const res = await h.call({ method: 'GET', url: '/v1/accounts' });
    expect(res.statusCode).toBe(200);
  });

  it('does not reveal which /v1 routes exist to a client without a key', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/no-such-route' });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a write without a key and stores nothing', async () => {
    const before = await h.counts();
    const res = await h.app.inject({ method: 'POST', url: '/v1/accounts', payload: { id: 'sneaky' } });
    expect(res.statusCode).toBe(401);
    expect(await h.counts()).toEqual(before);
  });
});
