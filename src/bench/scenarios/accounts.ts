import type { Scenario } from '../types.js';
import { benchEngine, since } from './fixture.js';

/**
 * Account create (validated, stored, session opened on the sandbox) and account switch: the
 * plan's "switch" is `engine.use(id)` handing back the account's context, plus the first
 * cached access through it (`getAccount(ctx.account)`, served by the account cache).
 */
export const accounts: Scenario = {
  name: 'accounts',
  description: 'account create and switch',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('accounts'));
    try {
      const n = ctx.count(ctx.pick(300, 1_000));
      const ids = Array.from({ length: n }, (_, i) => `acct-${i}`);
      const create: number[] = [];
      for (const id of ids) {
        const t0 = performance.now();
        await linda.createAccount({ id });
        create.push(since(t0));
      }
      ctx.progress(0.5);
      const switches = ctx.count(ctx.pick(20_000, 100_000));
      const warm = Math.min(1_000, switches);
      const switch_: number[] = [];
      for (let i = 0; i < warm + switches; i++) {
        const id = ids[(i * 7919) % n]!;
        const t0 = performance.now();
        const account = linda.use(id);
        await linda.getAccount(account.account);
        if (i >= warm) switch_.push(since(t0));
      }
      return [
        { metric: 'account.create', samples: create, note: `${n} accounts` },
        { metric: 'account.switch', samples: switch_, note: `${switches.toLocaleString('en-US')} switches` },
      ];
    } finally {
      await linda.stop();
    }
  },
};
