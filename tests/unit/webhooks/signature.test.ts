import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../../src/webhooks/signature.js';

const SECRET = 'whsec_test-secret-0123456789';
const BODY = '{"id":"evt_1","type":"message.received","data":{"text":"héllo"}}';
const T = 1_764_236_400;

describe('webhook signatures', () => {
  it('signs t and v1 = hex HMAC-SHA256(secret, "<t>.<body>")', () => {
    const mac = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, T)).toBe(`t=${T},v1=${mac}`);
    // Bytes and the string they encode sign alike.
    expect(signWebhook(SECRET, Buffer.from(BODY), T)).toBe(signWebhook(SECRET, BODY, T));
  });

  it('verifies a fresh signature, from a string or from the raw bytes', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T + 10 })).toEqual({ ok: true, timestamp: T });
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), { now: T - 10 }).ok).toBe(true);
  });

  it('refuses a tampered body, a wrong secret and a changed timestamp', () => {
    const header = signWebhook(SECRET, BODY, T);
    const at = { now: T };
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('héllo', 'hello'), at)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(`${SECRET}x`, header, BODY, at)).toEqual({ ok: false, reason: 'mismatch' });
    const moved = header.replace(`t=${T}`, `t=${T + 1}`);
    expect(verifyWebhookSignature(SECRET, moved, BODY, at)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a timestamp outside the tolerance (a replayed request), both ways', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T + 301 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T - 301 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T + 300 }).ok).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T + 30, toleranceSec: 20 }).ok).toBe(false);
  });

  it.each([
    ['absent', undefined],
    ['an array', ['t=1,v1=00']],
    ['empty', ''],
    ['without t', `v1=${'a'.repeat(64)}`],
    ['without v1', `t=${T}`],
    ['a non-numeric t', `t=abc,v1=${'a'.repeat(64)}`],
    ['two t', `t=${T},t=${T},v1=${'a'.repeat(64)}`],
    ['a short v1', `t=${T},v1=abcd`],
    ['an upper-case v1', `t=${T},v1=${'A'.repeat(64)}`],
    ['a part without =', `t=${T},v1`],
    ['huge', `t=${T},${'x=1,'.repeat(2000)}v1=${'a'.repeat(64)}`],
  ])('refuses a malformed header: %s', (_name, header) => {
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('accepts when any of several v1 values matches (secret rotation) and ignores unknown schemes', () => {
    const good = signWebhook(SECRET, BODY, T).split(',')[1];
    const header = `t=${T},v0=whatever,v1=${'0'.repeat(64)},${good}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T }).ok).toBe(true);
  });
});
