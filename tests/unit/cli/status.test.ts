import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../../src/cli/format.js';
import type { StatusView } from '../../../src/server/routes/status.js';
import { eventually } from '../../support/engine.js';
import { type CliHarness, startCliHarness } from './cli-harness.js';

describe('linda status: the dashboard numbers', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await startCliHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('prints live msgs/s, latency, queue and heap, and per account status, phone, today and queue', async () => {
    expect((await h.cli('sandbox', 'say', '!ping')).code).toBe(0);
    // The first tick comes a second after the server starts; the reply is counted once sent.
    let status: StatusView | undefined;
    await eventually(async () => {
      status = JSON.parse((await h.cli('status', '--json')).stdout) as StatusView;
      return status.live !== null && status.accounts[0]?.today.out === 1;
    }, 'a tick and the reply counted');
    const res = await h.cli('status');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^msgs\/s\s+\d+(\.\d+)? in, \d+(\.\d+)? out$/m);
    expect(res.stdout).toMatch(/^latency\s+p50 (\d+(\.\d+)? ms|—), p99 (\d+(\.\d+)? ms|—) \(last 5 s\)$/m);
    expect(res.stdout).toMatch(/^queue\s+\d+ waiting$/m);
    expect(res.stdout).toMatch(/^heap\s+\d+\.\d MiB$/m);
    // The older lines are still there.
    expect(res.stdout).toMatch(/default account\s+demo/);
    expect(res.stdout).toMatch(/messages\s+\d+ in, \d+ out/);
    expect(res.stdout).toMatch(/^ACCOUNT\s+CONNECTOR\s+STATUS\s+PHONE\s+IN TODAY\s+OUT TODAY\s+QUEUED$/m);
    expect(res.stdout).toMatch(/^demo\s+sandbox\s+ready\s+\+15550000000\s+1\s+1\s+0$/m);
    expect(status!.accounts[0]).toMatchObject({ id: 'demo', today: { in: 1, out: 1 }, queued: 0 });
  });
});

describe('formatStatus', () => {
  const base: StatusView = {
    uptimeMs: 61_000,
    defaultAccount: 'demo',
    accounts: [
      {
        id: 'demo',
        name: 'Demo',
        phone: null,
        connector: 'sandbox',
        status: 'starting',
        today: { in: 5, out: 4 },
        queued: 2,
      },
    ],
    messages: { in: 10, out: 9 },
    outbox: { queued: 2, sending: 0, sent: 9, failed: 0, dead: 0, oldestQueuedAgeMs: 0 },
    caches: {},
    memory: { heapUsed: 10 * 1024 * 1024, rss: 50 * 1024 * 1024 },
    live: {
      inPerSec: 12.5,
      outPerSec: 3,
      latencyP50Ms: 4.25,
      latencyP99Ms: null,
      queued: 2,
      heapUsedBytes: 20 * 1024 * 1024,
      at: 0,
    },
  };

  it('shows the tick, a dash for a latency with no samples, and the account row', () => {
    const out = formatStatus(base);
    expect(out).toMatch(/^msgs\/s\s+12\.5 in, 3 out$/m);
    expect(out).toMatch(/^latency\s+p50 4\.25 ms, p99 — \(last 5 s\)$/m);
    expect(out).toMatch(/^queue\s+2 waiting$/m);
    expect(out).toMatch(/^heap\s+20\.0 MiB$/m);
    expect(out).toMatch(/^demo\s+sandbox\s+starting\s+5\s+4\s+2$/m);
  });

  it('says so before the first tick', () => {
    expect(formatStatus({ ...base, live: null })).toMatch(/^live\s+\(no tick yet/m);
  });
});
