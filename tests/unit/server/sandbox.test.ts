import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type Harness, startHarness } from './harness.js';

describe('POST /v1/sandbox/:account/inbound', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const say = (payload: unknown, account = 'demo') =>
    h.call({ method: 'POST', url: `/v1/sandbox/${account}/inbound`, payload: payload as object });

  it('answers !ping with pong and returns the stored inbound message', async () => {
    const res = await say({ from: '+15550001', text: '!ping' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.inbound).toMatchObject({ direction: 'in', body: '!ping', chat: '+15550001' });
    expect(body.replies.map((r: { body: string }) => r.body)).toContain('pong');
    expect(body.replies[0].to).toBe('+15550001');
  });

  it.each([
    ['missing from', { text: 'hi' }],
    ['bad from', { from: 'someone', text: 'hi' }],
    ['empty text', { from: '+15550001', text: '' }],
    ['text too long', { from: '+15550001', text: 'x'.repeat(65_537) }],
  ])('rejects %s with 400 VALIDATION_FAILED and stores nothing', async (_what, payload) => {
    const before = await h.counts();
    const res = await say(payload);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    expect(await h.counts()).toEqual(before);
  });

  it('answers 404 ACCOUNT_NOT_FOUND for an unknown account', async () => {
    const before = await h.counts();
    const res = await say({ from: '+15550001', text: 'hi' }, 'ghost');
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe('ACCOUNT_NOT_FOUND');
    expect(await h.counts()).toEqual(before);
  });

  it('answers 400 VALIDATION_FAILED for a bad account id', async () => {
    const res = await say({ from: '+15550001', text: 'hi' }, 'NOPE!');
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });
});
