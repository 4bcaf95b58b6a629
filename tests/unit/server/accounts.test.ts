import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCode, type Harness, startHarness } from './harness.js';

describe('account routes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates an account (201) and never returns config values', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/v1/accounts',
      payload: {
        id: 'sales',
        name: 'Sales',
        phone: '+15551230000',
        connector: 'sandbox',
        config: { token: 's3cr3t' },
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ id: 'sales', name: 'Sales', phone: '+15551230000', connector: 'sandbox' });
    expect(body.configKeys).toEqual(['token']);
    expect(res.body).not.toContain('s3cr3t');
    expect(body.config).toBeUndefined();
  });

  it('lists accounts with the default account, and gets one', async () => {
    await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'sales' } });
    const list = await h.call({ method: 'GET', url: '/v1/accounts' });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .accounts.map((a: { id: string }) => a.id)
        .sort(),
    ).toEqual(['demo', 'sales']);
    expect(list.json().defaultAccount).toBe('demo');
    const one = await h.call({ method: 'GET', url: '/v1/accounts/sales' });
    expect(one.statusCode).toBe(200);
    expect(one.json().id).toBe('sales');
  });

  it('stops and starts an account', async () => {
    await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'sales' } });
    const stopped = await h.call({ method: 'POST', url: '/v1/accounts/sales/stop' });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json().status).toBe('stopped');
    const started = await h.call({ method: 'POST', url: '/v1/accounts/sales/start' });
    expect(started.statusCode).toBe(200);
    expect(started.json().status).not.toBe('stopped');
  });

  it('accepts a bodiless POST that still says Content-Type: application/json', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/v1/accounts/demo/stop',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('stopped');
  });

  it('sets the default account', async () => {
    await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'sales' } });
    const res = await h.call({ method: 'POST', url: '/v1/accounts/sales/use' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ defaultAccount: 'sales' });
    expect(await h.linda.defaultAccount()).toBe('sales');
  });

  it('removes an account (204), with and without purge', async () => {
    await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'sales' } });
    await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'ops' } });
    expect((await h.call({ method: 'DELETE', url: '/v1/accounts/sales' })).statusCode).toBe(204);
    expect((await h.call({ method: 'DELETE', url: '/v1/accounts/ops?purge=true' })).statusCode).toBe(204);
    const ids = (await h.linda.listAccounts()).map((a) => a.id);
    expect(ids).toEqual(['demo']);
  });

  describe('bad input', () => {
    it('rejects a duplicate id with 409 ACCOUNT_EXISTS and keeps the first account', async () => {
      await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'sales', name: 'First' } });
      const before = await h.counts();
      const res = await h.call({
        method: 'POST',
        url: '/v1/accounts',
        payload: { id: 'sales', name: 'Second' },
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('ACCOUNT_EXISTS');
      expect(await h.counts()).toEqual(before);
      expect((await h.linda.getAccount('sales')).name).toBe('First');
    });

    it.each([
      ['missing id', { name: 'x' }],
      ['bad id', { id: 'Not A Slug' }],
      ['too long id', { id: 'a'.repeat(65) }],
      ['bad phone', { id: 'sales', phone: '555-1234' }],
      ['unknown field', { id: 'sales', nmae: 'typo' }],
      ['config not an object', { id: 'sales', config: 'token=1' }],
      ['array body', [{ id: 'sales' }]],
    ])('rejects %s with 400 VALIDATION_FAILED and stores nothing', async (_what, payload) => {
      const before = await h.counts();
      const res = await h.call({ method: 'POST', url: '/v1/accounts', payload });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
      expect(await h.counts()).toEqual(before);
    });

    it('rejects an unknown connector with CONNECTOR_UNKNOWN and stores nothing', async () => {
      const before = await h.counts();
      const res = await h.call({
        method: 'POST',
        url: '/v1/accounts',
        payload: { id: 'x', connector: 'telegraph' },
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('CONNECTOR_UNKNOWN');
      expect(await h.counts()).toEqual(before);
    });

    it('rejects malformed JSON, an empty body and a __proto__ key with 400 VALIDATION_FAILED', async () => {
      const before = await h.counts();
      for (const payload of ['{"id": "sales"', '', '{"id":"sales","__proto__":{"admin":true}}']) {
        const res = await h.call({
          method: 'POST',
          url: '/v1/accounts',
          payload,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('VALIDATION_FAILED');
      }
      expect(await h.counts()).toEqual(before);
    });

    it('rejects a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const before = await h.counts();
      const res = await h.call({
        method: 'POST',
        url: '/v1/accounts',
        payload: { id: 'big', config: { blob: 'x'.repeat(2 * 1024 * 1024) } },
      });
      expect(res.statusCode).toBe(413);
      expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
      expect(await h.counts()).toEqual(before);
    });

    it.each([
      ['GET', '/v1/accounts/ghost'],
      ['DELETE', '/v1/accounts/ghost'],
      ['POST', '/v1/accounts/ghost/start'],
      ['POST', '/v1/accounts/ghost/stop'],
      ['POST', '/v1/accounts/ghost/use'],
    ] as const)('%s %s answers 404 ACCOUNT_NOT_FOUND', async (method, url) => {
      const res = await h.call({ method, url });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('ACCOUNT_NOT_FOUND');
      expect(await h.linda.defaultAccount()).toBe('demo');
    });

    it.each([
      ['GET', '/v1/accounts/Bad%20Id'],
      ['DELETE', '/v1/accounts/..%2F..'],
      ['POST', '/v1/accounts/UPPER/start'],
      ['POST', '/v1/accounts/a.b/stop'],
      ['POST', `/v1/accounts/${'x'.repeat(65)}/use`],
    ] as const)('%s %s answers 400 VALIDATION_FAILED', async (method, url) => {
      const res = await h.call({ method, url });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
    });

    it('rejects a bad purge flag and keeps the account', async () => {
      await h.call({ method: 'POST', url: '/v1/accounts', payload: { id: 'sales' } });
      const res = await h.call({ method: 'DELETE', url: '/v1/accounts/sales?purge=yes' });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
      expect((await h.linda.getAccount('sales')).id).toBe('sales');
    });
  });
});
