import { afterEach, describe, expect, it } from 'vitest';
import { startEngine } from '../support/engine.js';

const gc = (globalThis as { gc?: () => void }).gc;

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
}

async function collect(until: () => boolean): Promise<void> {
  for (let i = 0; i < 20 && !until(); i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 10));
  }
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('session cleanup', () => {
  it('leaves no listener or timer behind after 100 create/stop cycles', async () => {
    const e = await startEngine();
    close = e.close;
    const { linda } = e;
    const processListeners = process.eventNames().reduce((n, ev) => n + process.listenerCount(ev), 0);
    const timersBefore = timers();
    for (let i = 0; i < 100; i++) {
      const id = `s${i}`;
      await linda.createAccount({ id });
      await linda.sandbox.say(id, '+15550001111', '!ping');
      expect(linda.sandbox.listenerCount()).toBeGreaterThan(0);
      await linda.stopAccount(id);
    }
    await linda.idle();
    expect(linda.sandbox.listenerCount()).toBe(0);
    expect(linda.sandbox.attachedAccounts()).toEqual([]);
    expect(process.eventNames().reduce((n, ev) => n + process.listenerCount(ev), 0)).toBe(processListeners);
    await new Promise((r) => setTimeout(r, 20));
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });

  it('stopped sessions are garbage collected (FinalizationRegistry after global.gc())', async () => {
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    const e = await startEngine();
    close = e.close;
    const { linda } = e;
    let collected = 0;
    const registry = new FinalizationRegistry<string>(() => {
      collected++;
    });
    const N = 50;
    for (let i = 0; i < N; i++) {
      const id = `g${i}`;
      await linda.createAccount({ id });
      registry.register(linda.session(id)!, id);
      await linda.sandbox.say(id, '+15550001111', 'hello');
    }
    await linda.idle();
    for (let i = 0; i < N; i++) await linda.stopAccount(`g${i}`);
    await collect(() => collected === N);
    expect(collected).toBe(N);
  });
});
