import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/limits/backoff.js';
import { KeyedRateLimiter } from '../../../src/limits/rate-limit.js';
import { SlidingWindowLimiter } from '../../../src/limits/sliding-window.js';

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

describe('SlidingWindowLimiter', () => {
  it('never lets more than `points` through in any window, wherever the window starts', () => {
    const limit = { points: 5, durationMs: 250 };
    const limiter = new SlidingWindowLimiter(limit);
    const sent: number[] = [];
    // Offer a send every 7 ms (10× the rate) for 3 s of simulated time.
    for (let now = 0; now < 3_000; now += 7) if (limiter.take('a', now).ok) sent.push(now);
    for (let i = 0; i + limit.points < sent.length; i++) {
      expect(sent[i + limit.points]! - sent[i]!).toBeGreaterThanOrEqual(limit.durationMs);
    }
    // And it is not needlessly slow: close to 5 per 250 ms over 3 s.
    expect(sent.length).toBeGreaterThanOrEqual(55);
  });

  it('says how long to wait, and keys are independent', () => {
    const limiter = new SlidingWindowLimiter({ points: 2, durationMs: 100 });
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 10).ok).toBe(true);
    expect(limiter.take('a', 20)).toEqual({ ok: false, retryInMs: 82 }); // 2 % safety margin
    expect(limiter.take('b', 20).ok).toBe(true);
    expect(limiter.take('a', 101).ok).toBe(false);
    expect(limiter.take('a', 102).ok).toBe(true);
  });
});

describe('SlidingWindowLimiter extras', () => {
  it('waits a random 0..jitterMs before each acquire', async () => {
    const limiter = new SlidingWindowLimiter({ points: 100, durationMs: 1_000, jitterMs: 60 }, () => 1);
    const t0 = performance.now();
    expect(await limiter.acquire('a')).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    const none = new SlidingWindowLimiter({ points: 100, durationMs: 1_000, jitterMs: 60 }, () => 0);
    const t1 = performance.now();
    await none.acquire('a');
    expect(performance.now() - t1).toBeLessThan(30);
  });

  it('forgets keys that have been quiet for a whole window (one per recipient must not pile up)', () => {
    const limiter = new SlidingWindowLimiter({ points: 1, durationMs: 100 });
    for (let i = 0; i < 1_023; i++) limiter.take(`r${i}`, 0);
    const size = () => (limiter as unknown as { logs: Map<string, unknown> }).logs.size;
    expect(size()).toBe(1_023);
    limiter.take('late', 1_000); // the 1,024th take prunes
    expect(size()).toBe(1);
  });
});
