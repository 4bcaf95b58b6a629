import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { answerVerification, assertSignature } from '../../../../src/connectors/cloud/signature.js';
import { FAKE, fixture, sign } from '../../../fixtures/cloud/fake-graph.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const body = fixture('text.json');

describe('X-Hub-Signature-256', () => {
  it('accepts the HMAC-SHA256 of the raw body, whatever the header name case, comparing in constant time', () => {
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    expect(() =>
      assertSignature(body, { 'x-hub-signature-256': sign(body, FAKE.appSecret) }, FAKE.appSecret),
    ).not.toThrow();
    expect(() =>
      assertSignature(body, { 'X-Hub-Signature-256': sign(body, FAKE.appSecret) }, FAKE.appSecret),
    ).not.toThrow();
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['missing', {}],
    ['empty', { 'x-hub-signature-256': '' }],
    ['not sha256=', { 'x-hub-signature-256': sign(body, FAKE.appSecret).slice(7) }],
    ['truncated', { 'x-hub-signature-256': sign(body, FAKE.appSecret).slice(0, -2) }],
    ['wrong secret', { 'x-hub-signature-256': sign(body, 'another-secret') }],
    ['another body', { 'x-hub-signature-256': sign(`${body.toString()} `, FAKE.appSecret) }],
  ])('rejects a %s signature with UNAUTHORIZED', (_name, headers) => {
    expect(() => assertSignature(body, headers, FAKE.appSecret)).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
  });

  it('rejects a body changed by one byte (the signature is over the raw bytes, not re-serialised JSON)', () => {
    const header = sign(body, FAKE.appSecret);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(() => assertSignature(reformatted, { 'x-hub-signature-256': header }, FAKE.appSecret)).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
  });
});

describe('verification handshake', () => {
  const query = (over: Record<string, string | undefined> = {}) => ({
    'hub.mode': 'subscribe',
    'hub.verify_token': FAKE.verifyToken,
    'hub.challenge': '1158201444',
    ...over,
  });

  it('returns hub.challenge for subscribe with the right token', () => {
    expect(answerVerification(query(), FAKE.verifyToken)).toBe('1158201444');
  });

  it.each([
    ['wrong token', { 'hub.verify_token': 'nope' }],
    ['missing token', { 'hub.verify_token': undefined }],
    ['wrong mode', { 'hub.mode': 'unsubscribe' }],
  ])('refuses a %s with UNAUTHORIZED', (_name, over) => {
    expect(() => answerVerification(query(over), FAKE.verifyToken)).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
  });
});
