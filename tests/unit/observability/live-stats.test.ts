import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/domain/message.js';
import { EventBus, type LindaEvent } from '../../../src/events/bus.js';
import { LiveStats, percentile } from '../../../src/observability/live-stats.js';
import type { MessageCounts, OutboxDepth } from '../../../src/storage/types.js';

function inbound(account: string, id: string): Message {
  return {
    account,
    direction: 'in',
    id,
    chat: '+15550001111',
    sender: '+15550001111',
    kind: 'text',
    body: 'hi',
    timestamp: Date.now(),
    status: 'received',
  } as Message;
}

/** A source with a real bus and a store whose answers the test sets. */
function source(opts: { today?: MessageCounts[]; depth?: OutboxDepth[] } = {}) {
  const events = new EventBus();
  const s = {
    events,
    depth: opts.depth ?? [],
    depthCalls: 0,
    outboxDepth: async () => {
      s.depthCalls++;
      return s.depth;
    },
    messageCountsSince: async (_since: number) => opts.today ?? [],
  };
  return s;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('LiveStats', () => {
  const open: LiveStats[] = [];
  afterEach(() => {
    for (const l of open.splice(0)) l.close();
  });
  function live(src: ReturnType<typeof source>, opts: ConstructorParameters<typeof LiveStats>[1] = {}) {
    const l = new LiveStats(src, { tickMs: 3_600_000, ...opts });
    open.push(l);
    return l;
  }

  it('turns a second of events into a tick and publishes it as stats.tick', async () => {
    let now = 1_000_000;
    const src = source({ depth: [{ account: 'a', queued: 4, sending: 1, oldestQueuedAgeMs: 10 }] });
    const l = live(src, { now: () => now });
    await settle();
    const published: LindaEvent[] = [];
    src.events.on('stats.tick', (e) => published.push(e));
    for (let i = 0; i < 6; i++)
      src.events.publish('message.received', 'a', { message: inbound('a', `m${i}`) });
    for (let i = 0; i < 3; i++) {
      src.events.publish('message.sent', 'a', {
        id: `o${i}`,
        to: '+15550001111',
        kind: 'text',
        result: 'sent',
        attempts: 1,
      });
    }
    src.events.publish('message.sent', 'a', {
      id: 'r',
      to: '+15550001111',
      kind: 'text',
      result: 'retry',
      attempts: 1,
    });
    for (let ms = 1; ms <= 100; ms++) {
      src.events.publish('message.handled', 'a', {
        id: `h${ms}`,
        chat: 'c',
        kind: 'text',
        replies: 1,
        latencyMs: ms,
        flooded: false,
      });
    }
    now += 2_000; // two seconds since the start: rates are per second
    const tick = l.tick();
    expect(tick).toEqual({
      inPerSec: 3,
      outPerSec: 1.5,
      latencyP50Ms: 50,
      latencyP99Ms: 99,
      queued: 5,
      heapUsedBytes: expect.any(Number),
      at: now,
    });
    expect(tick.heapUsedBytes).toBeGreaterThan(0);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ type: 'stats.tick', account: '*' });
    expect(Object.keys(published[0]!.data).sort()).toEqual(
      ['heapUsedBytes', 'inPerSec', 'latencyP50Ms', 'latencyP99Ms', 'outPerSec', 'queued'].sort(),
    );
    expect(l.latest()).toEqual(tick);
    expect(l.account('a')).toEqual({ today: { in: 6, out: 3 }, queued: 5 });
  });

  it('reports null latency when nothing was handled in the window, and the window slides', async () => {
    let now = 0;
    const src = source();
    const l = live(src, { now: () => now, latencyTicks: 2 });
    src.events.publish('message.handled', 'a', {
      id: 'h',
      chat: 'c',
      kind: 'text',
      replies: 0,
      latencyMs: 7,
      flooded: false,
    });
    now += 1_000;
    expect(l.tick()).toMatchObject({ inPerSec: 0, latencyP50Ms: 7, latencyP99Ms: 7 });
    now += 1_000;
    expect(l.tick()).toMatchObject({ latencyP50Ms: 7 }); // still inside the 2-tick window
    now += 1_000;
    expect(l.tick()).toMatchObject({ latencyP50Ms: null, latencyP99Ms: null });
  });

  it('keeps the last `keep` ticks, oldest first', () => {
    let now = 0;
    const l = live(source(), { now: () => now, keep: 3 });
    for (let i = 0; i < 5; i++) {
      now += 1_000;
      l.tick();
    }
    expect(l.snapshot().map((t) => t.at)).toEqual([3_000, 4_000, 5_000]);
  });

  it("adds today's stored counts to what it counts live, and starts over at local midnight", async () => {
    const midnight = new Date(2026, 10, 27, 0, 0, 0, 0).getTime();
    let now = midnight + 23.5 * 3600_000; // 23:30
    const src = source({ today: [{ account: 'a', in: 10, out: 7 }] });
    const l = live(src, { now: () => now });
    await settle();
    src.events.publish('message.received', 'a', { message: inbound('a', 'x') });
    expect(l.account('a').today).toEqual({ in: 11, out: 7 });
    expect(l.account('unknown')).toEqual({ today: { in: 0, out: 0 }, queued: 0 });
    now += 3600_000; // 00:30 the next day
    l.tick();
    expect(l.account('a').today).toEqual({ in: 0, out: 0 });
    src.events.publish('message.sent', 'a', { id: 'o', to: '+1', kind: 'text', result: 'sent', attempts: 1 });
    expect(l.account('a').today).toEqual({ in: 0, out: 1 });
  });

  it('forgets accounts with nothing today and nothing waiting (removed ones by midnight at the latest)', async () => {
    const midnight = new Date(2026, 10, 27, 0, 0, 0, 0).getTime();
    let now = midnight + 12 * 3600_000;
    const src = source({ depth: [{ account: 'busy', queued: 3, sending: 0, oldestQueuedAgeMs: 0 }] });
    const l = live(src, { now: () => now });
    await settle();
    // A day of account churn: 500 accounts each get a message, then are gone.
    for (let i = 0; i < 500; i++) {
      src.events.publish('message.received', `churn-${i}`, { message: inbound(`churn-${i}`, `m${i}`) });
    }
    expect(l.accountCount()).toBe(501);
    now += 13 * 3600_000; // 01:00 the next day
    l.tick();
    await settle();
    expect(l.accountCount()).toBe(1);
    expect(l.account('busy')).toEqual({ today: { in: 0, out: 0 }, queued: 3 });
    expect(l.account('churn-7')).toEqual({ today: { in: 0, out: 0 }, queued: 0 });
    // The outbox drains: an account with nothing left is dropped at the next refresh too.
    src.depth = [];
    now += 1_000;
    l.tick();
    await settle();
    expect(l.accountCount()).toBe(0);
  });

  it('ticks on its own timer, and leaves no listener or timer after close()', async () => {
    const src = source();
    const before = src.events.listenerCount();
    const l = new LiveStats(src, { tickMs: 5 });
    expect(src.events.listenerCount()).toBe(before + 3);
    for (let i = 0; i < 400 && l.snapshot().length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(l.snapshot().length).toBeGreaterThanOrEqual(2);
    l.close();
    l.close(); // idempotent
    expect(src.events.listenerCount()).toBe(before);
    const ticks = l.snapshot().length;
    const calls = src.depthCalls;
    await new Promise((r) => setTimeout(r, 40));
    expect(l.snapshot().length).toBe(ticks);
    expect(src.depthCalls).toBe(calls);
  });

  it('keeps its last numbers when the store stops answering', async () => {
    let now = 0;
    const src = source({ depth: [{ account: 'a', queued: 2, sending: 0, oldestQueuedAgeMs: 0 }] });
    const l = live(src, { now: () => now });
    await settle();
    src.outboxDepth = async () => {
      throw new Error('store closed');
    };
    now += 1_000;
    expect(l.tick().queued).toBe(2);
    await settle();
    now += 1_000;
    expect(l.tick().queued).toBe(2);
  });
});

describe('percentile', () => {
  it('is the nearest rank of sorted samples, null for none', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.99)).toBe(5);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});
