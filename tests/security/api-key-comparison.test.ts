import * as crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keysMatch } from '../../src/server/auth.js';
import { API_KEY, type Harness, startHarness } from '../unit/server/harness.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

describe('API key comparison', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('goes through crypto.timingSafeEqual on equal-length digests for every presented key', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    for (const key of ['x', `${API_KEY}x`, API_KEY.replace(/.$/, '?'), API_KEY]) {
      spy.mockClear();
      await h.app.inject({ method: 'GET', url: '/v1/status', headers: { authorization: `Bearer ${key}` } });
      expect(spy, key).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
      // Equal lengths: neither the length of the key nor an early mismatch shows in the timing.
      expect(a.length).toBe(b.length);
    }
  });

  it('matches only the exact key', () => {
    expect(keysMatch(API_KEY, API_KEY)).toBe(true);
    expect(keysMatch(API_KEY.toUpperCase(), API_KEY)).toBe(false);
    expect(keysMatch(`${API_KEY} `, API_KEY)).toBe(false);
    expect(keysMatch('', API_KEY)).toBe(false);
  });
});
