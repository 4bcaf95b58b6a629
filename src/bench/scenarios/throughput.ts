import { fullGc } from '../monitor.js';
import type { Scenario } from '../types.js';
import { benchEngine, contacts } from './fixture.js';

/** Messages in flight at once, as a busy connection would deliver them. */
const IN_FLIGHT = 2_000;
const CHATS = 100;

/**
 * Sustained inbound: N messages over 100 chats with 2,000 awaiting acknowledgement at a time,
 * twice over:
 * - a bot that handles without answering — the inbound path alone (ack = durable): `inbound.ack`;
 * - a bot that answers every message — full load, the replies sent meanwhile: `inbound.handled`
 *   (every message handled and its reply durable) and the GC ratio over that window.
 * With backpressure, acknowledgements never run more than `maxBacklog` ahead of the handlers, so
 * the sustained ack rate of a replying bot is its handled rate; both are reported.
 */
export const throughput: Scenario = {
  name: 'throughput',
  description: 'sustained inbound over 100 chats',
  async run(ctx) {
    const n = ctx.count(ctx.pick(40_000, 200_000));
    const reps = ctx.pick(2, 3);
    const note = `${n.toLocaleString('en-US')} msgs × ${reps}`;
    const inboundOnly = await runLoad(ctx, 'throughput-inbound', { reply: false }, n, reps, 0);
    const full = await runLoad(ctx, 'throughput-replies', { reply: true }, n, reps, 0.5);
    return [
      { metric: 'inbound.ack', samples: inboundOnly.handled, note: `${note}, handler without reply` },
      { metric: 'inbound.handled', samples: full.handled, note: `${note}, one reply each` },
      { metric: 'gc.ratio', samples: full.gcRatio, note: 'over the handled window, one reply each' },
    ];
  },
};

async function runLoad(
  ctx: Parameters<Scenario['run']>[0],
  dir: string,
  bot: { reply: boolean },
  n: number,
  reps: number,
  progressFrom: number,
): Promise<{ handled: number[]; gcRatio: number[] }> {
  const linda = await benchEngine(ctx.tempDir(dir), {}, bot);
  try {
    await linda.createAccount({ id: 'bench' });
    const senders = contacts(CHATS);
    const handled: number[] = [];
    const gcRatio: number[] = [];
    for (let r = 0; r < reps; r++) {
      const items = Array.from({ length: n }, (_, i) => ({ from: senders[i % CHATS]!, input: `t${r}-${i}` }));
      fullGc();
      const t0 = performance.now();
      await linda.sandbox.sayMany('bench', items, { concurrency: IN_FLIGHT });
      await linda.idle();
      const t1 = performance.now();
      handled.push(n / ((t1 - t0) / 1000));
      const gcMs = (await ctx.gcBetween(t0, t1)).reduce((sum, g) => sum + g.ms, 0);
      gcRatio.push((gcMs / (t1 - t0)) * 100);
      linda.sandbox.reset(); // the simulated network's dedupe memory is not Linda's
      ctx.progress(progressFrom + (0.5 * (r + 1)) / reps);
    }
    return { handled, gcRatio };
  } finally {
    await linda.stop();
  }
}
