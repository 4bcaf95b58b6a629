import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type Harness, startHarness } from './harness.js';

describe('status and unknown routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('GET /v1/status reports accounts, messages, outbox and the default account', async () => {
    await h.linda.sandboxSay('demo', '+15550001', '!ping', { waitMs: 500 });
    const res = await h.call({ method: 'GET', url: '/v1/status' });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.defaultAccount).toBe('demo');
    expect(s.accounts).toEqual([expect.objectContaining({ id: 'demo', connector: 'sandbox' })]);
    expect(s.messages.in).toBeGreaterThanOrEqual(1);
    expect(s.outbox).toHaveProperty('queued');
    expect(s.memory.rss).toBeGreaterThan(0);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    for (const url of ['/v1/nope', '/nope', '/v2/accounts']) {
      const res = await h.call({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(errorCode(res)).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('answers a wrong method on a known path with 404 ROUTE_NOT_FOUND', async () => {
    const res = await h.call({ method: 'PUT', url: '/v1/status' });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('ROUTE_NOT_FOUND');
  });

  it('answers a non-JSON content type with 400 VALIDATION_FAILED', async () => {
    const before = await h.counts();
    const res = await h.call({
      method: 'POST',
      url: '/v1/accounts',
      payload: 'id=sales',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(await h.counts()).toEqual(before);
  });
});
