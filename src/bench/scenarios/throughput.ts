import { fullGc } from '../monitor.js';
import type { Scenario } from '../types.js';
import { benchEngine, contacts } from './fixture.js';

/** Messages in flight at once, as a busy connection would deliver them. */
const IN_FLIGHT = 2_000;
const CHATS = 100;

/**
 * Sustained inbound: N messages over 100 chats with 2,000 awaiting acknowledgement at a time.
 * "Acknowledged" is `say` resolving (the message is durable); "handled" waits until every
 * message is handled and its reply durable (the replies are sent meanwhile — full load).
 * GC time over the handled window gives the GC ratio under full load.
 */
export const throughput: Scenario = {
  name: 'throughput',
  description: 'sustained inbound over 100 chats',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('throughput'));
    try {
      await linda.createAccount({ id: 'bench' });
      const senders = contacts(CHATS);
      const n = ctx.count(ctx.pick(40_000, 200_000));
      const reps = ctx.pick(2, 3);
      const ack: number[] = [];
      const handledRates: number[] = [];
      const gcRatio: number[] = [];
      for (let r = 0; r < reps; r++) {
        const items = Array.from({ length: n }, (_, i) => ({
          from: senders[i % CHATS]!,
          input: `t${r}-${i}`,
        }));
        fullGc();
        const t0 = performance.now();
        await linda.sandbox.sayMany('bench', items, { concurrency: IN_FLIGHT });
        const acked = performance.now();
        await linda.idle();
        const t1 = performance.now();
        ack.push(n / ((acked - t0) / 1000));
        handledRates.push(n / ((t1 - t0) / 1000));
        const gcMs = (await ctx.gcBetween(t0, t1)).reduce((sum, g) => sum + g.ms, 0);
        gcRatio.push((gcMs / (t1 - t0)) * 100);
        linda.sandbox.reset(); // the simulated network's dedupe memory is not Linda's
        ctx.progress((r + 1) / reps);
      }
      const note = `${n.toLocaleString('en-US')} msgs × ${reps}`;
      return [
        { metric: 'inbound.ack', samples: ack, note },
        { metric: 'inbound.handled', samples: handledRates, note },
        { metric: 'gc.ratio', samples: gcRatio, note: 'over the handled window' },
      ];
    } finally {
      await linda.stop();
    }
  },
};
