import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/storage/sqlite/index.js';
import type { Store } from '../../../src/storage/types.js';
import { account, inbound, outbox } from '../storage/fixtures.js';

/** The store read-outs behind /ready, /metrics and the live stats, on the SQLite store. */
describe('SQLite store: health, outboxDepth, messageCountsSince', () => {
  let store: Store;
  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:', indexIntervalMs: 0 });
    await store.init();
    await store.createAccount(account('acme'));
    await store.createAccount(account('beta'));
    await store.createAccount(account('idle'));
  });
  afterEach(async () => {
    await store.close();
  });

  it('health lists applied and shipped migrations, and throws once closed', async () => {
    const { migrations } = await store.health();
    expect(migrations.applied).toEqual(await store.appliedMigrations());
    expect(migrations.expected).toEqual(migrations.applied);
    await store.close();
    await expect(store.health()).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
  });

  it('outboxDepth counts queued and sending rows per account, never sent ones', async () => {
    const now = Date.now();
    await store.enqueueOutbound(
      'acme',
      [1, 2, 3, 4].map((i) => outbox(`a${i}`, {}, now - 5_000 + i)),
    );
    await store.enqueueOutbound('beta', [outbox('b1', { account: 'beta' }, now)]);
    const claimed = await store.claimOutbound('acme', 2, now); // a1, a2 → sending
    await store.settleOutbound('acme', [{ seq: claimed[0]!.seq, state: 'sent' }]); // a1 sent
    const depth = await store.outboxDepth();
    expect(depth).toHaveLength(2); // idle has nothing waiting
    const acme = depth.find((d) => d.account === 'acme')!;
    expect(acme).toMatchObject({ queued: 2, sending: 1 });
    // The oldest queued row is a3, created a little under 5 s ago.
    expect(acme.oldestQueuedAgeMs).toBeGreaterThanOrEqual(4_990);
    expect(acme.oldestQueuedAgeMs).toBeLessThan(60_000);
    expect(depth.find((d) => d.account === 'beta')).toMatchObject({ queued: 1, sending: 0 });
  });

  it('messageCountsSince counts inbound, and outbound the network accepted, from the given moment', async () => {
    const since = Date.now() - 60_000;
    await store.saveMessages([
      inbound('old', { timestamp: since - 1 }),
      inbound('i1', { timestamp: since }),
      inbound('i2', { timestamp: since + 10, chat: '+15551110002', sender: '+15551110002' }),
      inbound('j1', { account: 'beta', timestamp: since + 5 }),
    ]);
    const rows = await store.enqueueOutbound(
      'acme',
      [1, 2, 3].map((i) => outbox(`o${i}`, {}, since + 100 + i)),
    );
    const claimed = await store.claimOutbound('acme', 3, Date.now());
    expect(claimed).toHaveLength(3);
    await store.settleOutbound('acme', [
      { seq: rows[0]!.seq, state: 'sent' },
      { seq: rows[1]!.seq, state: 'failed', error: 'no' },
      { seq: rows[2]!.seq, state: 'queued', nextAttemptAt: Date.now() },
    ]);
    await store.updateMessageStatuses('acme', [{ id: rows[0]!.message.id, status: 'read' }]);
    const counts = await store.messageCountsSince(since);
    expect(counts.sort((a, b) => (a.account < b.account ? -1 : 1))).toEqual([
      { account: 'acme', in: 2, out: 1 },
      { account: 'beta', in: 1, out: 0 },
    ]);
    expect(await store.messageCountsSince(Date.now() + 1_000)).toEqual([]);
  });
});
