import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsTick } from '../../../src/events/bus.js';
import { buildServer } from '../../../src/server/app.js';
import { eventually, startEngine } from '../../support/engine.js';
import { type Harness, startHarness } from './harness.js';

describe('GET /v1/stats and the live part of GET /v1/status', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('needs the API key', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/stats' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
  });

  it('serves one tick a second with the numbers the dashboard draws', async () => {
    await h.linda.sandboxSay('demo', '+15550001', '!ping', { waitMs: 2_000 });
    let ticks: Array<StatsTick & { at: number }> = [];
    await eventually(
      async () => {
        ticks = (await h.call({ method: 'GET', url: '/v1/stats' })).json().ticks;
        return ticks.length >= 1;
      },
      'a first tick',
      5_000,
    );
    const tick = ticks[ticks.length - 1]!;
    expect(Object.keys(tick).sort()).toEqual(
      ['at', 'heapUsedBytes', 'inPerSec', 'latencyP50Ms', 'latencyP99Ms', 'outPerSec', 'queued'].sort(),
    );
    expect(tick.heapUsedBytes).toBeGreaterThan(0);
    expect(tick.queued).toBeGreaterThanOrEqual(0);
    // The !ping was handled within the last 5 s, so the latency window holds it.
    expect(tick.latencyP50Ms).toBeGreaterThanOrEqual(0);
    expect(tick.latencyP99Ms).toBeGreaterThanOrEqual(tick.latencyP50Ms!);
  });

  it('GET /v1/status keeps its fields and adds live, today, queued, name and phone', async () => {
    await h.linda.sandboxSay('demo', '+15550002', '!ping', { waitMs: 2_000 });
    await eventually(
      async () => {
        const s = (await h.call({ method: 'GET', url: '/v1/status' })).json();
        return s.live !== null && s.accounts[0].today.out >= 2;
      },
      'a tick and the replies counted',
      5_000,
    );
    const s = (await h.call({ method: 'GET', url: '/v1/status' })).json();
    expect(s).toMatchObject({
      defaultAccount: 'demo',
      messages: { in: expect.any(Number), out: expect.any(Number) },
      outbox: { queued: expect.any(Number) },
      memory: { heapUsed: expect.any(Number), rss: expect.any(Number) },
      live: { inPerSec: expect.any(Number), heapUsedBytes: expect.any(Number), at: expect.any(Number) },
    });
    expect(s.accounts).toEqual([
      {
        id: 'demo',
        name: 'Demo bot',
        phone: '+15550000000',
        connector: 'sandbox',
        status: 'ready',
        today: { in: 2, out: 2 },
        queued: 0,
      },
    ]);
  });
});

describe("today's counts after a restart", () => {
  it('come from the store: a new server counts what was stored before it', async () => {
    const engine = await startEngine({ demo: true });
    try {
      await engine.linda.sandboxSay('demo', '+15550003', '!ping', { waitMs: 2_000 });
      await eventually(async () => (await engine.linda.store.outboxStats()).sent >= 1, 'the reply sent');
      const app = buildServer(engine.linda, { apiKey: 'k' });
      try {
        await eventually(
          async () => {
            const s = (
              await app.inject({ url: '/v1/status', headers: { authorization: 'Bearer k' } })
            ).json();
            return s.accounts[0].today.in === 1 && s.accounts[0].today.out === 1;
          },
          'seeded counts',
          2_000,
        );
      } finally {
        await app.close();
      }
    } finally {
      await engine.close();
    }
  });

  it('a closed server leaves no listener on the engine bus', async () => {
    const engine = await startEngine();
    try {
      const before = engine.linda.events.listenerCount();
      const app = buildServer(engine.linda, { apiKey: 'k' });
      await app.ready();
      expect(engine.linda.events.listenerCount()).toBeGreaterThan(before);
      await app.close();
      expect(engine.linda.events.listenerCount()).toBe(before);
    } finally {
      await engine.close();
    }
  });
});
