import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, errorCode, type Harness, startHarness } from '../unit/server/harness.js';

describe('hostile ids are rejected before they reach the engine', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const long = 'a'.repeat(10_000);

  it.each([
    ['GET', '/v1/accounts/..%2F..%2Fetc%2Fpasswd'],
    ['DELETE', '/v1/accounts/..%5C..%5Cwindows?purge=true'],
    ['POST', '/v1/accounts/demo%00/start'],
    ['GET', `/v1/accounts/${long}`],
    ['POST', `/v1/accounts/${long}/use`],
    ['GET', '/v1/accounts/demo/chats/..%2F..%2Fetc%2Fpasswd/messages'],
    ['GET', `/v1/accounts/demo/chats/%2B1555${'0'.repeat(200)}/messages`],
    ['GET', `/v1/accounts/demo/search?q=${long}`],
  ] as const)('%s %s answers 400 VALIDATION_FAILED', async (method, url) => {
    const res = await h.call({ method, url });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it.each([['../../escape'], ['..'], ['a/b'], [long]])(
    'POST /v1/accounts with id %j stores nothing and creates no file',
    async (id) => {
      const files = readdirSync(h.dataDir).sort();
      const before = await h.counts();
      const res = await h.call({ method: 'POST', url: '/v1/accounts', payload: { id } });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
      expect(await h.counts()).toEqual(before);
      expect(readdirSync(h.dataDir).sort()).toEqual(files);
    },
  );

  it('rejects encoded dot segments sent raw over HTTP (inject would normalise them away)', async () => {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    for (const path of [
      '/v1/accounts/%2e%2e',
      '/v1/accounts/%2E%2E/use',
      '/v1/accounts/demo/chats/%2e%2e/messages',
    ]) {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: path.endsWith('/use') ? 'POST' : 'GET',
            headers: { authorization: `Bearer ${API_KEY}` },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.once('error', reject);
        req.end();
      });
      expect(status, path).toBe(400);
      expect(JSON.parse(body).error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('POST /v1/sandbox/<traversal>/inbound answers VALIDATION_FAILED', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/v1/sandbox/..%2F..%2Fdemo/inbound',
      payload: { from: '+15550001', text: 'hi' },
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });
});
