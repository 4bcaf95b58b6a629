import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '../../../src/domain/message.js';
import { errorCode, type Harness, startHarness } from './harness.js';

describe('message routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const send = (payload: unknown, headers: Record<string, string> = {}, account = 'demo') =>
    h.call({ method: 'POST', url: `/v1/accounts/${account}/messages`, payload: payload as object, headers });

  it('queues a message: 202 with the outbox seq, the message id and the state', async () => {
    const res = await send({ to: '+15550001', text: 'hello from the API' });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(typeof body.id).toBe('number');
    expect(typeof body.messageId).toBe('string');
    expect(['queued', 'sending', 'sent']).toContain(body.state);
  });

  it('returns the first outbox row again for a repeated Idempotency-Key', async () => {
    const before = await h.counts();
    const first = await send({ to: '+15550002', text: 'once' }, { 'idempotency-key': 'order-42' });
    const second = await send({ to: '+15550002', text: 'once' }, { 'idempotency-key': 'order-42' });
    expect(first.statusCode).toBe(202);
    expect(second.json().id).toBe(first.json().id);
    expect(second.json().messageId).toBe(first.json().messageId);
    expect((await h.counts()).outbox).toBe(before.outbox + 1);
  });

  it('pages history newest first with direction, by E.164 number raw or URL-encoded', async () => {
    for (const text of ['one', 'two', 'three']) await send({ to: '+15550003', text });
    await h.linda.sandboxSay('demo', '+15550003', 'an inbound one', { waitMs: 200 });
    const raw = await h.call({ method: 'GET', url: '/v1/accounts/demo/chats/+15550003/messages?limit=2' });
    expect(raw.statusCode).toBe(200);
    const page = raw.json();
    expect(page.messages).toHaveLength(2);
    expect(page.messages[0].body).toBe('an inbound one');
    expect(page.messages[0].direction).toBe('in');
    expect(page.messages[1].direction).toBe('out');
    expect(typeof page.nextCursor).toBe('string');

    const next = await h.call({
      method: 'GET',
      url: `/v1/accounts/demo/chats/%2B15550003/messages?limit=2&before=${encodeURIComponent(page.nextCursor)}`,
    });
    expect(next.statusCode).toBe(200);
    expect(next.json().messages.map((m: { body: string }) => m.body)).toEqual(['two', 'one']);
  });

  it('searches message text', async () => {
    await send({ to: '+15550004', text: 'the invoice for March' });
    const res = await h.call({ method: 'GET', url: '/v1/accounts/demo/search?q=invoice&limit=5' });
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { body: string }) => m.body)).toContain('the invoice for March');
  });

  describe('bad input stores nothing', () => {
    it.each([
      ['missing to', { text: 'hi' }],
      ['missing text', { to: '+15550001' }],
      ['empty text', { to: '+15550001', text: '' }],
      ['text too long', { to: '+15550001', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
      ['bad E.164 (no plus)', { to: '15550001', text: 'hi' }],
      ['bad E.164 (letters)', { to: '+1555abc0001', text: 'hi' }],
      ['bad E.164 (too short)', { to: '+1555', text: 'hi' }],
      ['text not a string', { to: '+15550001', text: 42 }],
      ['unknown field', { to: '+15550001', text: 'hi', media: 'x' }],
    ])('rejects %s with 400 VALIDATION_FAILED', async (_what, payload) => {
      const before = await h.counts();
      const res = await send(payload);
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
      expect(await h.counts()).toEqual(before);
    });

    it('rejects malformed JSON', async () => {
      const before = await h.counts();
      const res = await h.call({
        method: 'POST',
        url: '/v1/accounts/demo/messages',
        payload: '{"to":"+15550001","text":',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
      expect(await h.counts()).toEqual(before);
    });

    it('rejects a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const before = await h.counts();
      const res = await send({ to: '+15550001', text: 'x'.repeat(1024 * 1024) });
      expect(res.statusCode).toBe(413);
      expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
      expect(await h.counts()).toEqual(before);
    });

    it('rejects a bad Idempotency-Key header', async () => {
      const before = await h.counts();
      const res = await send({ to: '+15550001', text: 'hi' }, { 'idempotency-key': 'k'.repeat(129) });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('VALIDATION_FAILED');
      expect(await h.counts()).toEqual(before);
    });

    it('sends from an unknown account: 404 ACCOUNT_NOT_FOUND', async () => {
      const before = await h.counts();
      const res = await send({ to: '+15550001', text: 'hi' }, {}, 'ghost');
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('ACCOUNT_NOT_FOUND');
      expect(await h.counts()).toEqual(before);
    });
  });

  describe('bad history and search queries', () => {
    it.each([
      ['/v1/accounts/demo/chats/+15550001/messages?limit=0', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/chats/+15550001/messages?limit=201', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/chats/+15550001/messages?limit=ten', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/chats/+15550001/messages?limit=1&limit=2', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/chats/+15550001/messages?sort=asc', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/chats/a%20b/messages', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/ghost/chats/+15550001/messages', 404, 'ACCOUNT_NOT_FOUND'],
      ['/v1/accounts/demo/search', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/search?q=', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/demo/search?q=hi&limit=-1', 400, 'VALIDATION_FAILED'],
      ['/v1/accounts/ghost/search?q=hi', 404, 'ACCOUNT_NOT_FOUND'],
    ] as const)('GET %s answers %i %s', async (url, status, code) => {
      const res = await h.call({ method: 'GET', url });
      expect(res.statusCode).toBe(status);
      expect(errorCode(res)).toBe(code);
    });
  });
});
