import type { Scenario } from '../types.js';
import { benchEngine, since } from './fixture.js';

/**
 * 1,000 sessions created at once: accounts stored beforehand (not timed), then every session
 * started together (`startAccount`: outbox recovery, sender attach, sandbox connect).
 */
export const sessions: Scenario = {
  name: 'sessions',
  description: '1,000 sessions started at once',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('sessions'));
    try {
      const n = ctx.count(1_000);
      const ids = Array.from({ length: n }, (_, i) => `s${i}`);
      for (const id of ids) await linda.createAccount({ id }, { start: false });
      ctx.progress(0.3);
      const reps = ctx.pick(2, 3);
      const samples: number[] = [];
      for (let r = 0; r < reps; r++) {
        if (r > 0) await Promise.all(ids.map((id) => linda.stopAccount(id)));
        const t0 = performance.now();
        await Promise.all(ids.map((id) => linda.startAccount(id)));
        samples.push(since(t0));
        const ready = ids.filter((id) => linda.session(id)?.status === 'ready').length;
        if (ready !== n) throw new Error(`only ${ready} of ${n} sessions are ready`);
        ctx.progress(0.3 + (0.7 * (r + 1)) / reps);
      }
      return [{ metric: 'sessions.1000', samples, note: `${n} sessions × ${reps}` }];
    } finally {
      await linda.stop();
    }
  },
};
