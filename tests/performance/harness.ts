/**
 * Measuring helpers for the performance suites. Nothing here stands in for the engine: every
 * helper observes a real `Linda` (its `onHandled`, the sandbox's `onDelivery`, the store).
 */

import { afterEach, expect } from 'vitest';
import { percentile as benchPercentile } from '../../src/bench/stats.js';
import type { Linda } from '../../src/engine.js';
import type { LindaOptions } from '../../src/engine-options.js';
import type { HandledEvent } from '../../src/pipeline/inbound.js';
import { eventually, startEngine } from '../support/engine.js';

/** `global.gc` (the test pool runs with `--expose-gc`). */
export const gc = (globalThis as { gc?: () => void }).gc;

/** Full collections with turns of the event loop between them, so finalizers and timers run. */
export async function collectGarbage(rounds = 3): Promise<void> {
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Engines for one test file: `engine(options)` starts one on a temporary directory and the
 * file's `afterEach` stops it and removes the directory.
 */
export function engineFactory(): (options?: Partial<LindaOptions>) => Promise<Linda> {
  let closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers = [];
  });
  return async (options = {}) => {
    const started = await startEngine(options);
    closers.push(started.close);
    return started.linda;
  };
}

/** The `p` quantile (0..1) of `samples`, nearest rank (the bench's percentile; throws on none). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  return benchPercentile(samples, p * 100);
}

/** `count` distinct E.164 contact numbers, `+1555` followed by `base` and a counter. */
export function contacts(count: number, base = 7): string[] {
  return Array.from({ length: count }, (_, i) => `+1555${base}${String(i).padStart(6, '0')}`);
}

export { since } from '../../src/bench/stats.js';

/** Prints one measured line for a reader of the test output. */
export function report(test: string, fields: Record<string, number | string>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : v}`);
  console.info(`[perf] ${test}: ${parts.join(' ')}`);
}

function round(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v >= 100 ? v.toFixed(0) : v.toFixed(2);
}

/** Resolves with the engine's `HandledEvent` of message `id` on `account`. */
export function handled(linda: Linda, account: string, id: string): Promise<HandledEvent> {
  return new Promise((resolve) => {
    const off = linda.onHandled((e) => {
      if (e.message.account === account && e.message.id === id) {
        off();
        resolve(e);
      }
    });
  });
}

/**
 * The books of one run: every message the engine handled, every reply it queued (from
 * `onHandled`) and every delivery the sandbox accepted (from `onDelivery`), by id.
 */
export class Ledger {
  readonly errors: unknown[] = [];
  /** Reply message id → account that queued it. */
  readonly replies = new Map<string, string>();
  /** Delivered message id → times the network delivered it. */
  readonly delivered = new Map<string, number>();
  /** Delivered message id → its delivery. */
  readonly deliveries = new Map<
    string,
    { account: string; to: string; body: string | undefined; at: number }
  >();
  handled = 0;
  #off: Array<() => void> = [];

  constructor(private readonly linda: Linda) {
    linda.catch((err) => this.errors.push(err));
    this.#off.push(
      linda.onHandled((e) => {
        this.handled++;
        if (e.error !== undefined) this.errors.push(e.error);
        for (const r of e.replies) this.replies.set(r.message.id, r.message.account);
      }),
      linda.sandbox.onDelivery((d) => {
        this.delivered.set(d.id, (this.delivered.get(d.id) ?? 0) + 1);
        this.deliveries.set(d.id, { account: d.account, to: d.to, body: d.body, at: d.at });
      }),
    );
  }

  /** Waits until every reply queued so far has been delivered. */
  async allDelivered(timeoutMs = 10_000): Promise<void> {
    await eventually(
      () => [...this.replies.keys()].every((id) => this.delivered.has(id)),
      `${this.replies.size} replies delivered (have ${this.delivered.size})`,
      timeoutMs,
    );
  }

  /**
   * Asserts the run's correctness: no handler error, `expectedReplies` replies queued, each
   * delivered exactly once from the account that queued it, the same for the direct `sends`
   * (message id → account), nothing delivered that was not queued, and the network saw no
   * duplicate send.
   */
  expectExactlyOnce(expectedReplies: number, sends: ReadonlyMap<string, string> = new Map()): void {
    expect(this.errors).toEqual([]);
    expect(this.replies.size).toBe(expectedReplies);
    for (const [id, account] of [...this.replies, ...sends]) {
      expect(this.delivered.get(id), `message ${id} delivered once`).toBe(1);
      expect(this.deliveries.get(id)?.account).toBe(account);
    }
    expect(this.delivered.size).toBe(expectedReplies + sends.size);
    expect(this.linda.sandbox.stats().duplicates).toBe(0);
  }

  /** Waits until every message id in `ids` has been delivered. */
  async sent(ids: Iterable<string>, timeoutMs = 10_000): Promise<void> {
    const list = [...ids];
    await eventually(
      () => list.every((id) => this.delivered.has(id)),
      `${list.length} sends delivered`,
      timeoutMs,
    );
  }

  /** Unsubscribes from the engine and the network. */
  close(): void {
    for (const off of this.#off.splice(0)) off();
  }
}

/** The bench's seeded PRNG and Zipf sampler, so the suites and `linda bench` draw alike. */
export { seededRandom, zipf } from '../../src/bench/stats.js';

/** JS-visible memory: V8 heap plus ArrayBuffers (Buffers live outside the heap). */
export function jsMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Samples `jsMemory()` every `intervalMs` (and whenever `sample()` is called); `stop()` gives the peak. */
export function memorySampler(intervalMs = 2): { sample: () => void; stop: () => number } {
  let peak = jsMemory();
  const sample = (): void => {
    peak = Math.max(peak, jsMemory());
  };
  const timer = setInterval(sample, intervalMs);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Active timers and immediates of the process. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
}

/** Listeners on `process`, all events together. */
export function processListeners(): number {
  return process.eventNames().reduce((n, ev) => n + process.listenerCount(ev), 0);
}

export const MB = 1024 * 1024;
