/**
 * Memory, leaks and GC of the real engine. Vitest runs this file in its own forked process with
 * `--expose-gc`, so heap figures are this engine's and `global.gc()` is available. Load runs
 * count deliveries with the sandbox's counters (`recordDeliveries: false`) so that the test's
 * own bookkeeping does not show up as engine memory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Linda } from '../../src/engine.js';
import { eventually, LOAD_OPTIONS } from '../support/engine.js';
import cases from './fixtures/memory-test-cases.json' with { type: 'json' };
import {
  activeTimers,
  collectGarbage,
  contacts,
  engineFactory,
  gc,
  MB,
  memorySampler,
  processListeners,
  report,
  since,
} from './harness.js';

const engine = engineFactory();
if (gc === undefined) throw new Error('MemoryOptimization.test.ts needs --expose-gc (see vitest.config.ts)');

/** An engine for memory runs: load options, a replying bot, deliveries counted but not kept. */
async function memoryEngine(): Promise<Linda> {
  const linda = await engine(LOAD_OPTIONS);
  linda.sandbox.configure({ recordDeliveries: false });
  linda.bot.on('text', (ctx) => ctx.reply(`ok ${ctx.text?.length}`));
  return linda;
}

/**
 * `perChat` messages of `bodyBytes` from each of `chats` contacts to each account, all in flight;
 * resolves once every reply has been delivered. Asserts nothing was lost or sent twice.
 */
async function loadRun(
  linda: Linda,
  run: { accounts: string[]; chats: number; perChat: number; bodyBytes: number; inFlight: number },
): Promise<number> {
  const senders = contacts(run.chats);
  const filler = 'x'.repeat(run.bodyBytes);
  const before = linda.sandbox.stats();
  await Promise.all(
    run.accounts.map((account) =>
      linda.sandbox.sayMany(
        account,
        Array.from({ length: run.perChat * run.chats }, (_, i) => ({
          from: senders[i % run.chats]!,
          input: `${i} ${filler}`,
        })),
        { concurrency: run.inFlight },
      ),
    ),
  );
  return expectAllAnswered(linda, before, run.accounts.length * run.perChat * run.chats);
}

/**
 * Offers `ratePerSecond` messages to `account`, in ticks of `tickMs`, for `durationMs`; resolves
 * with the number offered once every reply has been delivered. Asserts nothing was lost or doubled.
 */
async function pacedRun(
  linda: Linda,
  account: string,
  run: { ratePerSecond: number; durationMs: number; tickMs: number; chats: number; bodyBytes: number },
): Promise<number> {
  const senders = contacts(run.chats);
  const filler = 'x'.repeat(run.bodyBytes);
  const perTick = Math.round((run.ratePerSecond * run.tickMs) / 1000);
  const ticks = Math.round(run.durationMs / run.tickMs);
  const before = linda.sandbox.stats();
  const batches: Array<Promise<unknown>> = [];
  const t0 = performance.now();
  for (let t = 0; t < ticks; t++) {
    const items = Array.from({ length: perTick }, (_, k) => {
      const n = t * perTick + k;
      return { from: senders[n % run.chats]!, input: `${n} ${filler}` };
    });
    batches.push(linda.sandbox.sayMany(account, items));
    const wait = t0 + (t + 1) * run.tickMs - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(batches);
  return expectAllAnswered(linda, before, ticks * perTick);
}

/**
 * Waits until `total` messages sent since `before` are handled and answered, and asserts each
 * was taken in once and answered exactly once.
 */
async function expectAllAnswered(
  linda: Linda,
  before: ReturnType<Linda['sandbox']['stats']>,
  total: number,
): Promise<number> {
  await linda.idle();
  await eventually(
    () => linda.sandbox.stats().delivered - before.delivered >= total,
    `${total} replies delivered`,
    20_000,
  );
  const after = linda.sandbox.stats();
  expect(after.inbound - before.inbound).toBe(total);
  expect(after.delivered - before.delivered).toBe(total);
  expect(after.duplicates).toBe(0);
  return total;
}

/** Records GC entries while `body` runs (no forced collection inside). */
async function observeGc<T>(
  body: () => Promise<T>,
): Promise<{ result: T; pauses: number[]; wallMs: number }> {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  try {
    const result = await body();
    const wallMs = since(t0);
    await sleep(20); // GC entries are reported asynchronously
    for (const entry of observer.takeRecords() as PerformanceEntry[]) pauses.push(entry.duration);
    return { result, pauses, wallMs };
  } finally {
    observer.disconnect();
  }
}

/** Live objects per constructor name in a V8 heap snapshot file. */
function countObjects(file: string, names: readonly string[]): Record<string, number> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const objectType = snapshot.snapshot.meta.node_types[0].indexOf('object');
  const wanted = new Set(names);
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += stride) {
    if (nodes[i + typeAt] !== objectType) continue;
    const name = strings[nodes[i + nameAt]!]!;
    if (wanted.has(name)) counts[name]!++;
  }
  return counts;
}

describe('memory leak detection', () => {
  it('eventListenerCleanup', async () => {
    const { cycles, settleMs } = cases.eventListenerCleanup;
    const linda = await memoryEngine();
    const [from] = contacts(1);
    await sleep(settleMs);
    const sandboxBefore = linda.sandbox.listenerCount();
    const processBefore = processListeners();
    const timersBefore = activeTimers();
    let operations = 0;
    const op = async <T>(work: Promise<T>): Promise<T> => {
      const result = await work;
      operations++;
      return result;
    };

    for (let i = 0; i < cycles; i++) {
      const id = `listen-${i}`;
      await op(linda.createAccount({ id }));
      await op(linda.sandbox.say(id, from!, '!ping'));
      await op(linda.use(id).send(from!, `hello ${i}`));
      await op(linda.stopAccount(id));
      await op(linda.startAccount(id));
      await op(linda.sandbox.say(id, from!, `again ${i}`));
      await linda.idle();
      await eventually(() => linda.sandbox.stats().delivered === 3 * (i + 1), 'the cycle to be delivered');
      await op(linda.removeAccount(id));
    }
    await linda.idle();
    await sleep(settleMs);

    const after = {
      sandbox: linda.sandbox.listenerCount(),
      process: processListeners(),
      timers: activeTimers(),
    };
    report('eventListenerCleanup', {
      operations,
      sandbox_listeners: `${sandboxBefore}->${after.sandbox}`,
      process_listeners: `${processBefore}->${after.process}`,
      timers: `${timersBefore}->${after.timers}`,
    });
    expect(operations).toBeGreaterThanOrEqual(100);
    expect(linda.sandbox.stats()).toMatchObject({ delivered: 3 * cycles, duplicates: 0 });
    expect(sandboxBefore).toBe(0);
    expect(after.sandbox).toBe(sandboxBefore);
    expect(linda.sandbox.attachedAccounts()).toEqual([]);
    expect(after.process).toBe(processBefore);
    expect(after.timers).toBeLessThanOrEqual(timersBefore);
  });

  it('sessionObjectCleanup', async () => {
    const { sessions, gcRounds } = cases.sessionObjectCleanup;
    const linda = await memoryEngine();
    const [from] = contacts(1);
    const collected = new Set<string>();
    const registry = new FinalizationRegistry<string>((id) => collected.add(id));
    // A control: a session that keeps running must not be collected.
    await linda.createAccount({ id: 'keeper' });
    registry.register(linda.session('keeper')!, 'keeper');
    const ids = Array.from({ length: sessions }, (_, i) => `gc-${i}`);
    for (const id of ids) {
      await linda.createAccount({ id });
      registry.register(linda.session(id)!, id);
      await linda.sandbox.say(id, from!, `hello from ${id}`);
    }
    await linda.idle();
    await eventually(() => linda.sandbox.stats().delivered === sessions, 'every reply delivered');
    for (const id of ids) await linda.stopAccount(id);

    for (let i = 0; i < gcRounds && collected.size < sessions; i++) await collectGarbage(1);
    report('sessionObjectCleanup', { sessions, collected: collected.size });
    expect([...collected].sort()).toEqual([...ids].sort());
    expect(collected.has('keeper')).toBe(false);
    expect(linda.session('keeper')?.status).toBe('ready');
  });
});

describe('memory profiling', () => {
  it('baselineMemoryUsage', async () => {
    const { ceilingMb } = cases.baselineMemoryUsage;
    await collectGarbage();
    const processBefore = process.memoryUsage().heapUsed;
    const linda = await engine({ demo: true });
    const exchange = await linda.sandboxSay('demo', '+15550001111', '!ping');
    expect(exchange.replies.map((r) => r.body)).toEqual(['pong']);
    await collectGarbage();
    const { heapUsed, rss } = process.memoryUsage();
    const engineMb = (heapUsed - processBefore) / MB;
    report('baselineMemoryUsage', {
      process_heap_mb: heapUsed / MB,
      engine_heap_mb: engineMb,
      rss_mb: rss / MB,
    });
    // The whole process (test runner included) stays under the plan's application baseline.
    expect(heapUsed).toBeLessThan(ceilingMb * MB);
    expect((await linda.status()).memory.heapUsed).toBeLessThan(ceilingMb * MB);
  });

  it('memoryGrowthTracking', async () => {
    const { warmupOperations, operations, chats, bodyBytes, ceilingMb } = cases.memoryGrowthTracking;
    const linda = await memoryEngine();
    await linda.createAccount({ id: 'grow' });
    const senders = contacts(chats);
    const ctx = linda.use('grow');
    // Bulky bodies, so that keeping the messages of half the operations would cross the ceiling.
    const filler = 'x'.repeat(bodyBytes);
    let delivered = 0;
    // One operation of a mixed workload, in turn: an inbound message answered, a send, a
    // history page and a search, an account and a contact lookup.
    const operation = async (i: number): Promise<void> => {
      const chat = senders[i % chats]!;
      switch (i % 4) {
        case 0:
          await linda.sandbox.say('grow', chat, `message${i} ${filler}`);
          delivered++;
          return;
        case 1:
          await ctx.send(chat, `notice${i} ${filler}`);
          delivered++;
          return;
        case 2: {
          // the chat that got a message two operations ago
          const page = await ctx.history(senders[(i - 2) % chats]!, { limit: 5 });
          expect(page.messages.length).toBeGreaterThan(0);
          expect(await ctx.search(`message${i - 2}`, 5)).toHaveLength(1);
          return;
        }
        default:
          expect((await linda.getAccount('grow')).id).toBe('grow');
          expect(await linda.contact('grow', senders[(i - 3) % chats]!)).toBeDefined();
      }
    };
    const settle = async (): Promise<void> => {
      await linda.idle();
      await eventually(() => linda.sandbox.stats().delivered === delivered, 'deliveries');
      await collectGarbage();
    };

    for (let i = 0; i < warmupOperations; i++) await operation(i);
    await settle();
    const before = process.memoryUsage().heapUsed;
    for (let i = warmupOperations; i < warmupOperations + operations; i++) await operation(i);
    await settle();
    const growth = process.memoryUsage().heapUsed - before;

    report('memoryGrowthTracking', { operations, growth_mb: growth / MB });
    expect(growth).toBeLessThan(ceilingMb * MB);
    expect(linda.sandbox.stats()).toMatchObject({ delivered, duplicates: 0 });
    expect(await linda.store.countMessages({ account: 'grow', direction: 'out' })).toBe(delivered);
  });
});

describe('garbage collection efficiency', () => {
  it('gcPauseTimeAnalysis', async () => {
    const { messages, chats, bodyBytes, inFlight, ceilingMs } = cases.gcPauseTimeAnalysis;
    const linda = await memoryEngine();
    await linda.createAccount({ id: 'pause' });
    await collectGarbage();
    const { pauses, wallMs } = await observeGc(() =>
      loadRun(linda, { accounts: ['pause'], chats, perChat: messages / chats, bodyBytes, inFlight }),
    );
    const max = Math.max(0, ...pauses);
    report('gcPauseTimeAnalysis', {
      messages,
      wall_ms: wallMs,
      gc_events: pauses.length,
      max_pause_ms: max,
      total_gc_ms: pauses.reduce((a, b) => a + b, 0),
    });
    expect(pauses.length).toBeGreaterThan(0); // the observer saw the load's collections
    expect(max).toBeLessThan(ceilingMs);
  });

  it('memoryRecoveryRate', async () => {
    const { messages, chats, bodyBytes, inFlight, minRecovery } = cases.memoryRecoveryRate;
    const linda = await memoryEngine();
    await linda.createAccount({ id: 'recover' });
    await collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 2);
    try {
      await loadRun(linda, { accounts: ['recover'], chats, perChat: messages / chats, bodyBytes, inFlight });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    await collectGarbage();
    const after = process.memoryUsage().heapUsed;
    const recovery = (peak - after) / (peak - baseline);

    report('memoryRecoveryRate', {
      messages,
      baseline_mb: baseline / MB,
      peak_mb: peak / MB,
      after_gc_mb: after / MB,
      recovery,
    });
    expect(peak - baseline).toBeGreaterThan(0);
    expect(recovery).toBeGreaterThan(minRecovery);
  });

  it('gcTimeRatio', async () => {
    const { warmupMessages, ratePerSecond, durationMs, tickMs, chats, bodyBytes, maxRatio } =
      cases.gcTimeRatio;
    const linda = await memoryEngine();
    await linda.createAccount({ id: 'ratio' });
    // Warm up the JIT and size the heap first; then a steady offered load is measured.
    await loadRun(linda, {
      accounts: ['ratio'],
      chats,
      perChat: warmupMessages / chats,
      bodyBytes,
      inFlight: 200,
    });
    const {
      result: messages,
      pauses,
      wallMs,
    } = await observeGc(() =>
      pacedRun(linda, 'ratio', { ratePerSecond, durationMs, tickMs, chats, bodyBytes }),
    );
    const gcMs = pauses.reduce((a, b) => a + b, 0);
    const ratio = gcMs / wallMs;
    report('gcTimeRatio', { messages, offered_per_s: ratePerSecond, wall_ms: wallMs, gc_ms: gcMs, ratio });
    expect(pauses.length).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(maxRatio);
  });

  it('peakMemoryIncrease', async () => {
    const { accounts, messagesPerAccount, chats, bodyBytes, inFlight, ceilingMb } = cases.peakMemoryIncrease;
    const linda = await memoryEngine();
    const ids = Array.from({ length: accounts }, (_, i) => `peak-${i}`);
    for (const id of ids) await linda.createAccount({ id });
    await collectGarbage();
    const baseline = memorySampler(2);
    const before = process.memoryUsage();
    const start = before.heapUsed + before.arrayBuffers;
    const total = await loadRun(linda, {
      accounts: ids,
      chats,
      perChat: messagesPerAccount / chats,
      bodyBytes,
      inFlight,
    });
    const peak = baseline.stop();
    report('peakMemoryIncrease', { messages: total, peak_increase_mb: (peak - start) / MB });
    expect(total).toBe(accounts * messagesPerAccount);
    expect(peak - start).toBeLessThan(ceilingMb * MB);
  });

  it('heapSnapshotAnalysis', async () => {
    const { cycles, runningAccounts, constructors } = cases.heapSnapshotAnalysis;
    const dir = mkdtempSync(join(tmpdir(), 'linda-heap-'));
    try {
      const linda = await memoryEngine();
      const [from] = contacts(1);
      const running = Array.from({ length: runningAccounts }, (_, i) => `running-${i}`);
      for (const id of running) await linda.createAccount({ id });
      // One cycle first, so lazily created engine objects exist in both snapshots.
      const cycle = async (id: string, i: number): Promise<void> => {
        await linda.createAccount({ id });
        await linda.sandbox.say(id, from!, `cycle ${i}`);
        await linda.idle();
        await eventually(() => linda.sandbox.stats().delivered === i + 1, 'the cycle reply');
        if (i % 2 === 0) await linda.stopAccount(id);
        else await linda.removeAccount(id);
      };
      await cycle('warm', 0);
      await collectGarbage();
      const before = countObjects(v8.writeHeapSnapshot(join(dir, 'before.heapsnapshot')), constructors);
      for (let i = 1; i <= cycles; i++) await cycle(`cycle-${i}`, i);
      await collectGarbage();
      const after = countObjects(v8.writeHeapSnapshot(join(dir, 'after.heapsnapshot')), constructors);

      const diff = Object.fromEntries(constructors.map((c) => [c, after[c]! - before[c]!]));
      report('heapSnapshotAnalysis', {
        cycles,
        before: JSON.stringify(before),
        after: JSON.stringify(after),
      });
      // The snapshots see the running sessions (so a leak would show)...
      expect(before.Session).toBe(runningAccounts);
      expect(before.InProcessSandboxConnector).toBe(runningAccounts);
      expect(before.AccountSender).toBe(runningAccounts);
      // ...and nothing of the 100 stopped or removed sessions is left.
      expect(diff).toEqual(Object.fromEntries(constructors.map((c) => [c, 0])));
      expect(linda.sandbox.stats()).toMatchObject({ delivered: cycles + 1, duplicates: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
