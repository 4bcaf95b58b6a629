import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/storage/sqlite/database.js';
import { createSqliteStore } from '../../../src/storage/sqlite/index.js';
import { loadMigrations, migrate } from '../../../src/storage/sqlite/migrate.js';
import { MESSAGE_COLUMNS, messageParams } from '../../../src/storage/sqlite/rows.js';
import { inbound } from './fixtures.js';
import { describeStoreConformance } from './store-conformance.js';
import { tempDir } from './temp-dir.js';

const tmp = tempDir('sqlite');
afterAll(() => tmp.remove());
let n = 0;

describeStoreConformance('sqlite :memory:', async () =>
  createSqliteStore({ path: ':memory:', indexIntervalMs: 0 }),
);
describeStoreConformance('sqlite file', async () =>
  createSqliteStore({ path: join(tmp.dir, `db-${++n}`, 'linda.db') }),
);

describe('sqlite store', () => {
  it('reopening a file keeps data and applies migrations once', async () => {
    const path = join(tmp.dir, 'reopen.db');
    const first = createSqliteStore({ path });
    await first.init();
    await first.saveMessages([inbound('m1', { body: 'persisted words' })]);
    const migrations = await first.appliedMigrations();
    await first.close();

    const second = createSqliteStore({ path });
    await second.init();
    expect(await second.appliedMigrations()).toEqual(migrations);
    expect((await second.getMessage('acme', 'in', 'm1'))?.body).toBe('persisted words');
    expect((await second.search('acme', 'persisted', 5)).map((m) => m.id)).toEqual(['m1']);
    expect((await second.saveMessages([inbound('m1')])).inserted).toEqual([false]);
    await second.close();
  });

  it('migration 004 backfills inbound counts per chat, so counts by direction are right for old data', async () => {
    const path = join(tmp.dir, 'before-004.db');
    const db = openDatabase(path);
    migrate(
      db,
      loadMigrations().filter((m) => m.name < '004'),
    );
    const insert = db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (${MESSAGE_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    );
    const rows = [
      inbound('a1', { chat: '+15550001' }),
      inbound('a2', { chat: '+15550001' }),
      inbound('o1', { chat: '+15550001', direction: 'out', status: 'sent' }),
      inbound('b1', { chat: '+15550002' }),
    ];
    for (const m of rows) insert.run(...messageParams(m));
    const tally = db.prepare(
      'INSERT INTO chats (account, chat, last_message_at, messages) VALUES (?, ?, 0, ?)',
    );
    tally.run('acme', '+15550001', 3);
    tally.run('acme', '+15550002', 1);
    db.close();

    const store = createSqliteStore({ path });
    await store.init();
    expect(await store.countMessages({ direction: 'in' })).toBe(3);
    expect(await store.countMessages({ direction: 'out' })).toBe(1);
    expect(await store.countMessages({ account: 'acme', chat: '+15550001', direction: 'in' })).toBe(2);
    expect(await store.countMessages({})).toBe(4);
    await store.close();
  });

  it('rejects calls before init with a StorageError', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await expect(store.listAccounts()).rejects.toMatchObject({
      name: 'StorageError',
      code: 'STORAGE_FAILED',
    });
    await store.close();
    await expect(store.init()).rejects.toMatchObject({ name: 'StorageError' });
  });

  it('takes a contact name from meta.senderName or meta.pushName', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.init();
    await store.saveMessages([
      inbound('m1', { sender: '+15553330001', meta: { pushName: 'Ana' } }),
      inbound('m2', { sender: '+15553330001' }),
      inbound('m3', { sender: '+15553330002', meta: { senderName: 'Bo' } }),
    ]);
    expect((await store.getContact('acme', '+15553330001'))?.name).toBe('Ana');
    expect((await store.getContact('acme', '+15553330002'))?.name).toBe('Bo');
    await store.close();
  });

  it('indexes new messages for search in idle time as well', async () => {
    const store = createSqliteStore({ path: ':memory:', indexIntervalMs: 5 });
    await store.init();
    const batch = Array.from({ length: 3000 }, (_, i) => inbound(`m${i}`, { body: `word${i % 7} shared` }));
    await store.saveMessages(batch);
    await new Promise((r) => setTimeout(r, 100));
    expect(await store.search('acme', 'shared', 5000)).toHaveLength(3000);
    expect(await store.search('acme', 'word3', 5000)).toHaveLength(
      batch.filter((_, i) => i % 7 === 3).length,
    );
    await store.close();
  });
});
