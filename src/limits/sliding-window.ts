import type { RateLimit, TakeResult } from './rate-limit.js';
import { sleep } from './rate-limit.js';

/** Observes waits for a point: one `began` per waiting `acquire`, then `ended` with the ms waited. */
export interface WaitObserver {
  began(): void;
  ended(waitedMs: number): void;
}

/**
 * An exact sliding-window limiter for outbound sends: it remembers the times of the last
 * `points` sends per key and allows another only when the oldest of them is at least
 * `durationMs` old. No window of `durationMs` — wherever it starts — ever holds more than
 * `points` sends, which a fixed-window counter cannot promise (it allows 2× across a window
 * edge). Memory: one number per send still inside the window, at most `points` per key.
 */
export class SlidingWindowLimiter {
  private readonly logs = new Map<string, { times: number[]; head: number }>();
  private takes = 0;

  /**
   * The window the limiter enforces is a little longer than the limit's: the network times a
   * message when it arrives, a moment after the limiter let it go, and jitter of a millisecond
   * between two bursts a window apart would put both in one window on the receiving side.
   */
  private readonly windowMs: number;

  constructor(
    readonly limit: RateLimit,
    private readonly random: () => number = Math.random,
    /** Told when an `acquire` starts waiting for a point and how long it waited (metrics). */
    private readonly onWait?: WaitObserver,
  ) {
    this.windowMs = limit.durationMs + Math.min(50, Math.ceil(limit.durationMs * 0.02));
  }

  /** Takes one point for `key` now, or tells how long until one frees up. */
  take(key: string, now: number = performance.now()): TakeResult {
    let log = this.logs.get(key);
    if (log === undefined) {
      log = { times: [], head: 0 };
      this.logs.set(key, log);
    }
    // Forget sends that left the window; the log holds at most `points` live entries.
    const horizon = now - this.windowMs;
    while (log.head < log.times.length && log.times[log.head]! <= horizon) log.head++;
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    if (log.times.length - log.head >= this.limit.points) {
      return { ok: false, retryInMs: Math.max(1, Math.ceil(log.times[log.head]! - horizon)) };
    }
    log.times.push(now);
    if (++this.takes % 1024 === 0) this.prune(horizon);
    return { ok: true };
  }

  /** Keys with no send inside the window cost nothing to forget (one per recipient adds up). */
  private prune(horizon: number): void {
    for (const [key, log] of this.logs) {
      if (log.times.length === 0 || log.times[log.times.length - 1]! <= horizon) this.logs.delete(key);
    }
  }

  /** Waits until a point is free for `key`, then takes it. Resolves false if `signal` aborts. */
  async acquire(key: string, signal?: AbortSignal): Promise<boolean> {
    // Jitter before taking the point, so the recorded time is the time the message goes out.
    if (this.limit.jitterMs !== undefined && this.limit.jitterMs > 0) {
      await sleep(this.random() * this.limit.jitterMs, signal);
    }
    if (signal?.aborted) return false;
    const res = this.take(key);
    return res.ok || this.wait(key, res.retryInMs, signal);
  }

  /** The slow path of `acquire`, kept apart so a free point costs no wait bookkeeping. */
  private async wait(key: string, retryInMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    const since = performance.now();
    this.onWait?.began();
    try {
      for (;;) {
        await sleep(retryInMs, signal);
        if (signal?.aborted) return false;
        const res = this.take(key);
        if (res.ok) return true;
        retryInMs = res.retryInMs;
      }
    } finally {
      this.onWait?.ended(performance.now() - since);
    }
  }
}
