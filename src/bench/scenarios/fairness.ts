import { jain } from '../stats.js';
import type { Scenario } from '../types.js';
import { benchEngine, contacts } from './fixture.js';

const ACCOUNTS = 100;
const SENDERS = 5;
const WINDOW = 10;

/**
 * 100 accounts active at once, each offered the same load (its own messages, 10 awaiting
 * acknowledgement at a time, from 5 contacts). When the first account has all of its
 * messages handled, every account's handled count so far is its share of the throughput while
 * all of them competed; Jain's index over those shares is the fairness.
 */
export const fairness: Scenario = {
  name: 'fairness',
  description: "100 active accounts, Jain's index",
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('fairness'));
    try {
      const ids = Array.from({ length: ACCOUNTS }, (_, i) => `f${i}`);
      for (const id of ids) await linda.createAccount({ id });
      const senders = contacts(SENDERS, 2_000_000);
      const perAccount = ctx.count(ctx.pick(60, 200));
      const reps = ctx.pick(2, 3);
      const samples: number[] = [];
      for (let r = 0; r < reps; r++) {
        const counts = new Map(ids.map((id) => [id, 0]));
        let snapshot: number[] | undefined;
        const off = linda.onHandled((e) => {
          const n = (counts.get(e.message.account) ?? 0) + 1;
          counts.set(e.message.account, n);
          if (n === perAccount && snapshot === undefined) snapshot = [...counts.values()];
        });
        await Promise.all(
          ids.map((id) =>
            linda.sandbox.sayMany(
              id,
              Array.from({ length: perAccount }, (_, i) => ({
                from: senders[i % SENDERS]!,
                input: `f${r}-${i}`,
              })),
              { concurrency: WINDOW },
            ),
          ),
        );
        await linda.idle();
        off();
        samples.push(jain(snapshot ?? []));
        ctx.progress((r + 1) / reps);
      }
      return [{ metric: 'fairness.jain', samples, note: `${ACCOUNTS} × ${perAccount} msgs` }];
    } finally {
      await linda.stop();
    }
  },
};
