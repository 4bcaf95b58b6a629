import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Scenario } from '../types.js';
import { contacts } from './fixture.js';

/** Linda's own schema, so the raw inserts pay for the same indexes and the chats trigger. */
const SCHEMA = new URL('../../storage/sqlite/migrations/001-initial.sql', import.meta.url);
const TX_ROWS = 500;

/**
 * The ceiling the pipeline is up against: the same inbound rows inserted straight through
 * better-sqlite3 (prepared INSERT, transactions of 500, Linda's pragmas and schema), with no
 * validation, dedupe, contacts, acknowledgement or handlers. The runner divides the
 * pipeline's ack rate by this.
 */
export const sqliteLimit: Scenario = {
  name: 'sqlite-limit',
  description: 'raw better-sqlite3 inserts (the ceiling)',
  async run(ctx) {
    const n = ctx.count(ctx.pick(40_000, 200_000));
    const reps = ctx.pick(2, 3);
    const senders = contacts(100);
    const samples: number[] = [];
    for (let r = 0; r < reps; r++) {
      const db = new Database(join(ctx.tempDir('raw-sqlite'), 'raw.db'));
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('cache_size = -32768');
        db.pragma('temp_store = MEMORY');
        db.pragma('wal_autocheckpoint = 10000');
        db.exec(readFileSync(SCHEMA, 'utf8'));
        const insert = db.prepare(
          `INSERT INTO messages (account, direction, id, chat, sender, kind, body, timestamp, status)
           VALUES (?, 'in', ?, ?, ?, 'text', ?, ?, 'received')`,
        );
        const now = Date.now();
        const rows = Array.from({ length: n }, (_, i) => {
          const from = senders[i % senders.length]!;
          return ['bench', `RAW${r}-${i}`, from, from, `t${r}-${i}`, now + i] as const;
        });
        const write = db.transaction((from: number, to: number) => {
          for (let i = from; i < to; i++) insert.run(...rows[i]!);
        });
        const t0 = performance.now();
        for (let i = 0; i < n; i += TX_ROWS) write(i, Math.min(n, i + TX_ROWS));
        samples.push(n / ((performance.now() - t0) / 1000));
      } finally {
        db.close();
      }
      ctx.progress((r + 1) / reps);
    }
    return [{ metric: 'limit.sqlite', samples, note: `${n.toLocaleString('en-US')} rows × ${reps}` }];
  },
};
