import { heapAfterGcMb } from '../monitor.js';
import type { Scenario } from '../types.js';
import { benchEngine } from './fixture.js';
import { pushLoad } from './load.js';

/**
 * Memory recovery after a burst: heap after gc before, the peak during the burst (sampled
 * every 5 ms), heap after gc afterwards; recovery = (peak − after) / (peak − before).
 */
export const recovery: Scenario = {
  name: 'recovery',
  description: 'heap recovered after a load burst',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('recovery'));
    try {
      await linda.createAccount({ id: 'bench' });
      await pushLoad(linda, 'bench', ctx.count(2_000), 'w');
      const reps = ctx.pick(1, 3);
      const burst = ctx.count(ctx.pick(20_000, 50_000));
      const samples: number[] = [];
      for (let r = 0; r < reps; r++) {
        const before = heapAfterGcMb();
        let peak = before;
        const sampler = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20);
        }, 5);
        await pushLoad(linda, 'bench', burst, `r${r}-`);
        clearInterval(sampler);
        const after = heapAfterGcMb();
        samples.push(peak > before ? ((peak - after) / (peak - before)) * 100 : 100);
        ctx.progress((r + 1) / reps);
      }
      return [{ metric: 'memory.recovery', samples, note: `bursts of ${burst.toLocaleString('en-US')}` }];
    } finally {
      await linda.stop();
    }
  },
};
