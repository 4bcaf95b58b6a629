import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/limits/backoff.js';
import { KeyedRateLimiter } from '../../../src/limits/rate-limit.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, capMs: 1_000, jitter: 0.5 };
  it('grows exponentially, is capped, and jitters within a quarter of the step below it', () => {
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 3, () => 0)).toBe(300);
    expect(backoffDelay(policy, 30, () => 1)).toBe(1_000);
  });
});

describe('KeyedRateLimiter', () => {
  it('allows `points` per window per key, then tells how long to wait', async () => {
    const limiter = new KeyedRateLimiter({ points: 3, durationMs: 1_000 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.take('a'));
    expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
    const last = results[3]!;
    expect(last.ok).toBe(false);
    if (!last.ok) expect(last.retryInMs).toBeGreaterThan(0);
    expect((await limiter.take('b')).ok).toBe(true);
  });
});
