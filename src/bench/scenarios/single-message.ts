import type { Scenario } from '../types.js';
import { benchEngine, handledCounter, since } from './fixture.js';

/** One message at a time: `sandbox.say` → durable → handled → the reply durable in the outbox. */
export const singleMessage: Scenario = {
  name: 'single-message',
  description: 'sequential messages, say → reply durable',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('single'));
    try {
      await linda.createAccount({ id: 'bench' });
      const handled = handledCounter(linda);
      const warm = ctx.count(200);
      const n = ctx.count(ctx.pick(2_000, 10_000));
      const samples: number[] = [];
      for (let i = 0; i < warm + n; i++) {
        const done = handled.until(1);
        const t0 = performance.now();
        await linda.sandbox.say('bench', '+15550001111', `m${i}`);
        await done;
        if (i >= warm) samples.push(since(t0));
        if (i % 200 === 0) ctx.progress(i / (warm + n));
      }
      handled.off();
      ctx.chart.latencyMs.push(...samples);
      return [{ metric: 'single.latency', samples, note: `${n} sequential` }];
    } finally {
      await linda.stop();
    }
  },
};
