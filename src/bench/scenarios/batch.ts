import type { Scenario } from '../types.js';
import { benchEngine, contacts, handledCounter, since } from './fixture.js';

/** 100 messages at once over 10 chats; done when all are handled with durable replies. */
export const batch: Scenario = {
  name: 'batch',
  description: 'batches of 100 messages (10 chats)',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('batch'));
    try {
      await linda.createAccount({ id: 'bench' });
      const handled = handledCounter(linda);
      const senders = contacts(10);
      const size = 100;
      const warm = 3;
      const reps = ctx.count(ctx.pick(30, 100));
      const samples: number[] = [];
      for (let r = 0; r < warm + reps; r++) {
        const items = Array.from({ length: size }, (_, i) => ({
          from: senders[i % 10]!,
          input: `b${r}-${i}`,
        }));
        const done = handled.until(size);
        const t0 = performance.now();
        await linda.sandbox.sayMany('bench', items);
        await done;
        if (r >= warm) samples.push(since(t0));
        ctx.progress(r / (warm + reps));
      }
      handled.off();
      return [{ metric: 'batch100.time', samples, note: `${reps} batches` }];
    } finally {
      await linda.stop();
    }
  },
};
