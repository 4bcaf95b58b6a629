import { getHeapStatistics } from 'node:v8';
import type { LindaEvent, StatsTick } from '../events/bus.js';
import type { LindaObservability } from '../linda-api.js';

/** A tick with the moment it was taken (epoch ms). */
export type TimedStatsTick = StatsTick & { at: number };

/** One account's live numbers. */
export interface AccountLiveStats {
  /** Since local midnight: inbound messages stored, outbound messages the network accepted. */
  today: { in: number; out: number };
  /** Outbox rows waiting (queued and sending), as of the last tick. */
  queued: number;
}

/** Options of {@link LiveStats}. */
export interface LiveStatsOptions {
  /** Ms between ticks; default 1,000. */
  tickMs?: number;
  /** Ticks kept for `snapshot()`; default 120. */
  keep?: number;
  /** Ticks (seconds) the latency percentiles span; default 5. */
  latencyTicks?: number;
  /** Clock for tests. */
  now?: () => number;
}

/** Latency samples kept per tick; past this, reservoir sampling keeps the percentiles honest. */
const MAX_SAMPLES = 1024;

interface Bucket {
  in: number;
  out: number;
  /** Up to MAX_SAMPLES latencies (ms) of the messages handled in this tick. */
  samples: number[];
  handled: number;
}

type Source = Pick<LindaObservability, 'events' | 'outboxDepth' | 'messageCountsSince'>;

/**
 * The live numbers the dashboard and `linda status` show: messages in and out per second,
 * handling latency p50/p99, outbox depth and heap, once a second, for the last two minutes;
 * plus per account the messages of today and the outbox depth. Built by the HTTP server (the
 * engine alone pays nothing for it); `close()` removes its listeners and timer.
 *
 * Each tick is also published on the bus as `stats.tick` (account `'*'`).
 * @example
 *   const live = new LiveStats(linda);
 *   live.latest(); // undefined until the first tick, a second later
 *   live.close();
 */
export class LiveStats {
  private readonly ticks: TimedStatsTick[] = [];
  private readonly recent: Bucket[] = [];
  private bucket: Bucket = newBucket();
  private readonly accounts = new Map<string, AccountLiveStats>();
  private readonly unsubscribe: Array<() => void>;
  private readonly timer: NodeJS.Timeout;
  private readonly tickMs: number;
  private readonly keep: number;
  private readonly latencyTicks: number;
  private readonly now: () => number;
  private lastTickAt: number;
  private nextMidnight: number;
  private queued = 0;
  private refreshing = false;
  private closed = false;

  constructor(
    private readonly source: Source,
    opts: LiveStatsOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 1_000;
    this.keep = opts.keep ?? 120;
    this.latencyTicks = opts.latencyTicks ?? 5;
    this.now = opts.now ?? Date.now;
    this.lastTickAt = this.now();
    const midnight = startOfLocalDay(this.lastTickAt);
    this.nextMidnight = nextLocalDay(midnight);
    const { events } = source;
    this.unsubscribe = [
      events.on('message.received', (e) => this.received(e)),
      events.on('message.sent', (e) => this.sent(e)),
      events.on('message.handled', (e) => this.handled(e)),
    ];
    // Today so far, from the store; live events add to it from now on.
    this.seed(midnight);
    this.refreshQueue();
    this.timer = setInterval(() => this.tick(), this.tickMs).unref();
  }

  /** The newest tick; undefined before the first one. */
  latest(): TimedStatsTick | undefined {
    return this.ticks[this.ticks.length - 1];
  }

  /** The last `keep` ticks (two minutes by default), oldest first. */
  snapshot(): TimedStatsTick[] {
    return this.ticks.slice();
  }

  /** Per account: today's messages and the outbox depth. Accounts with no activity are absent. */
  account(id: string): AccountLiveStats {
    const a = this.accounts.get(id);
    return a === undefined
      ? { today: { in: 0, out: 0 }, queued: 0 }
      : { today: { ...a.today }, queued: a.queued };
  }

  /** How many accounts it keeps numbers for (for leak tests). */
  accountCount(): number {
    return this.accounts.size;
  }

  /** Stops the timer and removes every listener. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
  }

  /** Closes the current second; publishes it as `stats.tick`. Public for tests. */
  tick(): TimedStatsTick {
    const at = this.now();
    if (at >= this.nextMidnight) this.newDay(at);
    const seconds = Math.max(at - this.lastTickAt, 1) / 1000;
    this.lastTickAt = at;
    const b = this.bucket;
    this.bucket = newBucket();
    this.recent.push(b);
    if (this.recent.length > this.latencyTicks) this.recent.shift();
    const samples = this.recent.flatMap((r) => r.samples).sort((x, y) => x - y);
    const tick: TimedStatsTick = {
      inPerSec: round(b.in / seconds),
      outPerSec: round(b.out / seconds),
      latencyP50Ms: percentile(samples, 0.5),
      latencyP99Ms: percentile(samples, 0.99),
      queued: this.queued,
      heapUsedBytes: getHeapStatistics().used_heap_size,
      at,
    };
    this.ticks.push(tick);
    if (this.ticks.length > this.keep) this.ticks.shift();
    const { at: _at, ...data } = tick;
    this.source.events.publish('stats.tick', '*', data);
    this.refreshQueue();
    return tick;
  }

  private received(e: LindaEvent): void {
    if (e.type !== 'message.received') return;
    this.bucket.in++;
    this.entry(e.account).today.in++;
  }

  private sent(e: LindaEvent): void {
    if (e.type !== 'message.sent' || e.data.result !== 'sent') return;
    this.bucket.out++;
    this.entry(e.account).today.out++;
  }

  private handled(e: LindaEvent): void {
    if (e.type !== 'message.handled') return;
    const b = this.bucket;
    b.handled++;
    if (b.samples.length < MAX_SAMPLES) b.samples.push(e.data.latencyMs);
    else {
      const k = Math.floor(Math.random() * b.handled);
      if (k < MAX_SAMPLES) b.samples[k] = e.data.latencyMs;
    }
  }

  private entry(account: string): AccountLiveStats {
    let a = this.accounts.get(account);
    if (a === undefined) {
      a = { today: { in: 0, out: 0 }, queued: 0 };
      this.accounts.set(account, a);
    }
    return a;
  }

  /**
   * Adds what the store holds since `midnight` to the live counts. With the SQLite store the
   * query runs synchronously inside the call, before any event can be counted live, so nothing
   * is counted twice.
   */
  private seed(midnight: number): void {
    this.source.messageCountsSince(midnight).then(
      (counts) => {
        if (this.closed || midnight !== startOfLocalDay(this.lastTickAt)) return;
        for (const c of counts) {
          const a = this.entry(c.account);
          a.today.in += c.in;
          a.today.out += c.out;
        }
      },
      () => {}, // a store that does not answer leaves today at what is counted live
    );
  }

  private newDay(at: number): void {
    this.nextMidnight = nextLocalDay(startOfLocalDay(at));
    // An account with nothing waiting is dropped rather than zeroed, so removed accounts are
    // forgotten by the next midnight at the latest and the map holds only today's accounts.
    for (const [id, a] of this.accounts) {
      if (a.queued === 0) this.accounts.delete(id);
      else a.today = { in: 0, out: 0 };
    }
  }

  /** One outbox-depth query at a time; the tick uses the last answer. */
  private refreshQueue(): void {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    this.source
      .outboxDepth()
      .then(
        (depths) => {
          if (this.closed) return;
          let total = 0;
          for (const a of this.accounts.values()) a.queued = 0;
          for (const d of depths) {
            const waiting = d.queued + d.sending;
            total += waiting;
            this.entry(d.account).queued = waiting;
          }
          this.queued = total;
          // Nothing today and nothing waiting reads the same as absent: keep no entry for it.
          for (const [id, a] of this.accounts) {
            if (a.queued === 0 && a.today.in === 0 && a.today.out === 0) this.accounts.delete(id);
          }
        },
        () => {}, // a stopped store: keep the last numbers
      )
      .finally(() => {
        this.refreshing = false;
      });
  }
}

function newBucket(): Bucket {
  return { in: 0, out: 0, samples: [], handled: 0 };
}

/** Nearest-rank percentile of sorted samples; null when there are none. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return round(sorted[rank]!);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function startOfLocalDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function nextLocalDay(midnight: number): number {
  const d = new Date(midnight);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}
