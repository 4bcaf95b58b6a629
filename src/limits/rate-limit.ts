import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Points allowed per window. */
export interface RateLimit {
  points: number;
  durationMs: number;
  /** Send limits only: wait a random 0..jitterMs before each send, so it does not tick like a bot. */
  jitterMs?: number;
}

/** Outcome of one `take`: allowed, or how long until the next point frees up. */
export type TakeResult = { ok: true } | { ok: false; retryInMs: number };

/**
 * A keyed fixed-window rate limiter (rate-limiter-flexible, in memory), for the inbound flood
 * limit per sender. It is approximate by design: windows are whole seconds and a burst may
 * straddle a window edge. Outbound sends, where a limit must hold exactly, use
 * `SlidingWindowLimiter`.
 */
export class KeyedRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly limit: RateLimit) {
    // rate-limiter-flexible counts durations in whole seconds: round the window and scale the
    // points to keep the same average rate.
    const seconds = Math.max(1, Math.round(limit.durationMs / 1000));
    const points = Math.max(1, Math.round((limit.points * seconds * 1000) / limit.durationMs));
    this.limiter = new RateLimiterMemory({ points, duration: seconds });
  }

  /** Consumes one point for `key`. */
  async take(key: string): Promise<TakeResult> {
    try {
      await this.limiter.consume(key, 1);
      return { ok: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { ok: false, retryInMs: Math.max(1, err.msBeforeNext) };
      throw err;
    }
  }
}

/** setTimeout as a promise that resolves early (without rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
