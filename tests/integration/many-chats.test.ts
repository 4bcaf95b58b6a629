import { afterEach, describe, expect, it } from 'vitest';
import type { Linda } from '../../src/engine.js';
import { eventually, LOAD_OPTIONS, startEngine } from '../support/engine.js';

const ACCOUNTS = 5;
const CHATS = 20;
const PER_CHAT = 100; // 5 × 20 × 100 = 10,000 messages

describe('the engine under 10,000 messages over 20 chats and 5 accounts', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('stores every message, keeps per-chat order, and sends every reply exactly once', async () => {
    const started = await startEngine(LOAD_OPTIONS);
    close = started.close;
    const linda: Linda = started.linda;
    const seen = new Map<string, number[]>();
    linda.bot.on('text', async (ctx) => {
      const n = Number(ctx.text?.split(' ')[1]);
      const key = `${ctx.account.id}|${ctx.chat}`;
      const list = seen.get(key) ?? [];
      list.push(n);
      seen.set(key, list);
      await ctx.reply(`echo ${n}`);
    });
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
    for (const id of accounts) await linda.createAccount({ id, connector: 'sandbox' });
    const chats = Array.from({ length: CHATS }, (_, i) => `+1555100${String(i).padStart(4, '0')}`);

    await Promise.all(
      accounts.map((account) => {
        const items = [];
        for (let n = 0; n < PER_CHAT; n++) for (const from of chats) items.push({ from, input: `msg ${n}` });
        return linda.sandbox.sayMany(account, items, { concurrency: 200 });
      }),
    );
    const total = ACCOUNTS * CHATS * PER_CHAT;
    expect(await linda.store.countMessages({ direction: 'in' })).toBe(total);

    await linda.idle();
    await eventually(() => linda.sandbox.stats().delivered >= total, 'all replies delivered', 30_000);
    // Give a duplicate sender a chance to show itself before counting.
    await new Promise((r) => setTimeout(r, 100));

    for (const account of accounts) {
      for (const chat of chats) {
        expect(seen.get(`${account}|${chat}`)).toEqual(Array.from({ length: PER_CHAT }, (_, n) => n));
        const replies = linda.sandbox.deliveries({ account, to: chat }).map((d) => d.body);
        expect(replies).toEqual(Array.from({ length: PER_CHAT }, (_, n) => `echo ${n}`));
      }
    }
    const stats = linda.sandbox.stats();
    expect(stats.delivered).toBe(total);
    expect(stats.duplicates).toBe(0);
    expect(await linda.store.countMessages({ direction: 'out' })).toBe(total);
    const outbox = await linda.store.outboxStats();
    expect(outbox).toMatchObject({ queued: 0, sending: 0, sent: total, failed: 0, dead: 0 });
  }, 60_000);
});
