import { describe, expect, it } from 'vitest';
import { ChatQueue } from '../../../src/pipeline/chat-queue.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('ChatQueue', () => {
  it('keeps arrival order within a chat while chats run in parallel, bounded', async () => {
    const q = new ChatQueue(2);
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    for (let i = 0; i < 5; i++) {
      for (const chat of ['a', 'b', 'c']) {
        q.push(chat, async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await tick(Math.random() * 3);
          log.push(`${chat}${i}`);
          running--;
        });
      }
    }
    await q.idle();
    for (const chat of ['a', 'b', 'c']) {
      expect(log.filter((l) => l.startsWith(chat))).toEqual([0, 1, 2, 3, 4].map((i) => `${chat}${i}`));
    }
    expect(maxRunning).toBe(2);
    expect(q.size).toBe(0);
  });

  it('a throwing task does not stall its chat', async () => {
    const q = new ChatQueue(1);
    const log: number[] = [];
    q.push('a', async () => {
      throw new Error('boom');
    });
    q.push('a', async () => void log.push(2));
    await q.idle();
    expect(log).toEqual([2]);
  });
});

describe('ChatQueue fairness', () => {
  it('shares slots round-robin when more chats are busy than there are slots', async () => {
    const q = new ChatQueue(2);
    const order: string[] = [];
    for (const chat of ['a', 'b', 'c', 'd']) {
      for (let i = 0; i < 3; i++) {
        q.push(chat, async () => {
          await tick(0);
          order.push(`${chat}${i}`);
        });
      }
    }
    await q.idle();
    // Every chat gets its first task done before any chat gets its third.
    const firstThird = Math.min(...['a', 'b', 'c', 'd'].map((c) => order.indexOf(`${c}2`)));
    const lastFirst = Math.max(...['a', 'b', 'c', 'd'].map((c) => order.indexOf(`${c}0`)));
    expect(lastFirst).toBeLessThan(firstThird);
    for (const chat of ['a', 'b', 'c', 'd']) {
      expect(order.filter((o) => o.startsWith(chat))).toEqual([`${chat}0`, `${chat}1`, `${chat}2`]);
    }
  });
});
