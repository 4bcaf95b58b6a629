import type { Scenario } from '../types.js';
import { benchEngine, contacts } from './fixture.js';

const POINTS = 20;
const WINDOW_MS = 1_000;

/**
 * The account send rate (`config.sendRate` = 20 per second) under 10× the load it allows:
 * 10 windows' worth of messages per observed window are queued up front, and every delivery
 * is timed (`sandbox.onDelivery`). A violation is a delivery that makes any 1 s span —
 * sliding, not fixed windows, which would miss a 2× burst across a window edge — hold more
 * than 20 deliveries.
 */
export const rateLimit: Scenario = {
  name: 'rate-limit',
  description: 'send rate at 10× offered load',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('rate'));
    try {
      await linda.createAccount({
        id: 'limited',
        config: { sendRate: { points: POINTS, durationMs: WINDOW_MS } },
      });
      const windows = ctx.pick(3, 6);
      const at: number[] = [];
      const off = linda.sandbox.onDelivery((d) => {
        if (d.account === 'limited') at.push(performance.now());
      });
      const to = contacts(50, 6_000_000);
      const offered = 10 * POINTS * windows;
      const account = linda.use('limited');
      await Promise.all(
        Array.from({ length: offered }, (_, i) => account.send(to[i % to.length]!, `rate ${i}`)),
      );
      const t0 = performance.now();
      while (performance.now() - t0 < windows * WINDOW_MS + 100) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ctx.progress((performance.now() - t0) / (windows * WINDOW_MS));
      }
      off();
      if (at.length === 0) throw new Error('no message was sent');
      // A violation is a send that makes some 1 s span (wherever it starts) hold more than
      // POINTS deliveries, timed as the contact receives them.
      let violations = 0;
      let sliding = 0;
      for (let i = 0, j = 0; i < at.length; i++) {
        while (at[i]! - at[j]! >= WINDOW_MS) j++;
        const inWindow = i - j + 1;
        if (inWindow > POINTS) violations++;
        sliding = Math.max(sliding, inWindow);
      }
      return [
        {
          metric: 'rate.violations',
          samples: [violations],
          note: `${at.length} sent of ${offered} offered in ${windows} s; busiest sliding 1 s: ${sliding}`,
        },
      ];
    } finally {
      await linda.stop();
    }
  },
};
