import type { Scenario } from '../types.js';
import { benchEngine, contacts, since } from './fixture.js';

/** 100 outbound messages enqueued at once (`use(id).send`); done when the network accepted all. */
export const outbound: Scenario = {
  name: 'outbound',
  description: '100 outbound messages enqueued and sent',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('outbound'));
    try {
      await linda.createAccount({ id: 'bench' });
      const to = contacts(100, 4_000_000);
      let delivered = 0;
      let target = Number.POSITIVE_INFINITY;
      let wake: (() => void) | undefined;
      const off = linda.sandbox.onDelivery(() => {
        if (++delivered >= target) wake?.();
      });
      const account = linda.use('bench');
      const reps = ctx.count(ctx.pick(40, 100));
      const samples: number[] = [];
      for (let r = -3; r < reps; r++) {
        const sent = new Promise<void>((resolve) => {
          target = delivered + to.length;
          wake = resolve;
        });
        const t0 = performance.now();
        await Promise.all(to.map((phone, i) => account.send(phone, `out ${r}-${i}`)));
        await sent;
        if (r >= 0) samples.push(since(t0));
        ctx.progress((r + 3) / (reps + 3));
      }
      off();
      return [{ metric: 'outbound.queue100', samples, note: `${reps} rounds` }];
    } finally {
      await linda.stop();
    }
  },
};
