import { median } from '../stats.js';
import type { Measurement, Scenario } from '../types.js';
import { benchEngine, contacts, handledCounter, since } from './fixture.js';

/** Levels with a plan target, then more for the throughput-vs-concurrency chart. */
const GATED = [10, 50, 100] as const;
const CHART_ONLY = [1, 250, 1_000] as const;

/** N messages from N different chats at once; done when all are handled with durable replies. */
export const concurrency: Scenario = {
  name: 'concurrency',
  description: '1 … 1,000 concurrent messages from different chats',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('concurrency'));
    try {
      await linda.createAccount({ id: 'bench' });
      const handled = handledCounter(linda);
      const levels = [...CHART_ONLY.slice(0, 1), ...GATED, ...CHART_ONLY.slice(1)];
      const out: Measurement[] = [];
      for (const [k, level] of levels.entries()) {
        const gated = (GATED as readonly number[]).includes(level);
        const reps = ctx.count(gated ? ctx.pick(25, 60) : ctx.pick(4, 10));
        const senders = contacts(level, 1_000_000);
        const samples: number[] = [];
        for (let r = -2; r < reps; r++) {
          const items = senders.map((from, i) => ({ from, input: `c${level}-${r}-${i}` }));
          const done = handled.until(level);
          const t0 = performance.now();
          await linda.sandbox.sayMany('bench', items);
          await done;
          if (r >= 0) samples.push(since(t0));
        }
        ctx.chart.concurrency.push({ level, msgsPerSec: level / (median(samples) / 1000) });
        if (gated) out.push({ metric: `concurrent.${level}`, samples, note: `${reps} rounds` });
        ctx.progress((k + 1) / levels.length);
      }
      handled.off();
      if (handled.errors > 0) throw new Error(`${handled.errors} messages failed in handlers`);
      return out;
    } finally {
      await linda.stop();
    }
  },
};
