import { heapAfterGcMb } from '../monitor.js';
import type { Scenario } from '../types.js';
import { benchEngine } from './fixture.js';
import { pushLoad } from './load.js';

/**
 * Heap growth over many operations (message in → handled → reply durable → sent), measured
 * after gc before and after, following a warm-up. Includes whatever the engine's bounded
 * caches retain (the dedupe cache keeps up to 100,000 recent message keys by default).
 */
export const growth: Scenario = {
  name: 'growth',
  description: 'heap growth over many operations',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('growth'));
    try {
      await linda.createAccount({ id: 'bench' });
      await pushLoad(linda, 'bench', ctx.count(5_000), 'w');
      const before = heapAfterGcMb();
      const ops = ctx.count(ctx.pick(20_000, 100_000));
      await pushLoad(linda, 'bench', ops, 'g', (done) => ctx.progress(done / ops));
      const grown = heapAfterGcMb() - before;
      const note = `${ops.toLocaleString('en-US')} operations`;
      return [
        { metric: 'memory.growth', samples: [grown], note },
        { metric: 'memory.growth-per-1000', samples: [grown / (ops / 1_000)], note },
      ];
    } finally {
      await linda.stop();
    }
  },
};
