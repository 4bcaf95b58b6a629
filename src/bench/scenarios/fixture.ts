import { createLinda, type Linda } from '../../engine.js';
import type { LindaOptions } from '../../engine-options.js';
import type { HandledEvent } from '../../pipeline/inbound.js';

/** Limits that would otherwise throttle a load test: flood control and the send rate. */
const UNLIMITED = { points: 1_000_000_000, durationMs: 1_000 };

/**
 * A started engine on `dir` (sandbox connector, SQLite store, outbox, caches — the real thing)
 * whose bot answers every message with one reply, so "handled" means "reply durable" (or, with
 * `reply: false`, handles without answering: the inbound path alone).
 * The sandbox neither records deliveries nor sends receipts, as a load test wants.
 */
export async function benchEngine(
  dir: string,
  options: Partial<LindaOptions> = {},
  bot: { reply: boolean } = { reply: true },
): Promise<Linda> {
  const linda = await createLinda({
    dataDir: dir,
    builtins: false,
    ...options,
    pipeline: { flood: UNLIMITED, ...options.pipeline },
    outbox: { rate: UNLIMITED, ...options.outbox },
  });
  if (bot.reply) linda.bot.use((ctx) => ctx.reply('ok'));
  else linda.bot.use(() => {});
  linda.sandbox.configure({ recordDeliveries: false, receipts: 'none' });
  await linda.start();
  return linda;
}

/**
 * Counts handled messages; `until(n)` resolves once `n` more have been handled since the call.
 * One listener for the whole scenario, so waiting adds no per-message subscription cost.
 */
export function handledCounter(linda: Linda): {
  until(n: number): Promise<void>;
  readonly total: number;
  off(): void;
  errors: number;
} {
  let total = 0;
  let errors = 0;
  let target = Number.POSITIVE_INFINITY;
  let wake: (() => void) | undefined;
  const off = linda.onHandled((e: HandledEvent) => {
    total++;
    if (e.error !== undefined) errors++;
    if (total >= target && wake !== undefined) {
      const w = wake;
      wake = undefined;
      target = Number.POSITIVE_INFINITY;
      w();
    }
  });
  return {
    until(n: number): Promise<void> {
      const goal = total + n;
      if (total >= goal) return Promise.resolve();
      return new Promise<void>((resolve) => {
        target = goal;
        wake = resolve;
      });
    },
    get total() {
      return total;
    },
    get errors() {
      return errors;
    },
    off: () => {
      off();
    },
  };
}

/** `count` distinct E.164 contacts (`+1555` + 7 digits), the same every run. */
export function contacts(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `+1555${String(offset + i).padStart(7, '0')}`);
}

export { since } from '../stats.js';
