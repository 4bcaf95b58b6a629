import type { MessageCounts, OutboxDepth, StoreHealth } from '../types.js';
import type { SqliteDb } from './database.js';
import { appliedMigrations, loadMigrations, migrationsDir } from './migrate.js';

/**
 * The store's cheap read-outs for the operator's surface (`/ready`, `/metrics`, live stats).
 * Each one walks an index range as long as what it counts, never the whole table.
 */
export function createObservability(db: SqliteDb, dir: string = migrationsDir()) {
  const ping = db.prepare('SELECT 1').pluck();
  // Per account, through outbox_due (account, state, next_attempt_at): only waiting rows; the
  // oldest by seq (insertion order), which the index carries.
  const depth = db.prepare(
    `SELECT state, count(*) AS n, min(seq) AS oldest FROM outbox
     WHERE account = ? AND state IN ('queued', 'sending') GROUP BY state`,
  );
  const createdAt = db.prepare('SELECT created_at FROM outbox WHERE seq = ?').pluck();
  // Today's chats first (chats_recent), then each chat's messages since (messages_history).
  const since = db.prepare(
    `SELECT m.account AS account,
       sum(m.direction = 'in') AS n_in,
       sum(m.direction = 'out' AND m.status IN ('sent', 'delivered', 'read')) AS n_out
     FROM chats c JOIN messages m
       ON m.account = c.account AND m.chat = c.chat AND m.timestamp >= ?
     WHERE c.account = ? AND c.last_message_at >= ?
     GROUP BY m.account`,
  );
  const accounts = db.prepare('SELECT id FROM accounts').pluck();
  return {
    health(): StoreHealth {
      ping.get();
      return {
        migrations: {
          applied: appliedMigrations(db),
          expected: loadMigrations(dir).map((m) => m.name),
        },
      };
    },
    outboxDepth(): OutboxDepth[] {
      const result: OutboxDepth[] = [];
      const now = Date.now();
      for (const account of accounts.all() as string[]) {
        const rows = depth.all(account) as Array<{ state: string; n: number; oldest: number }>;
        if (rows.length === 0) continue;
        const d: OutboxDepth = { account, queued: 0, sending: 0, oldestQueuedAgeMs: 0 };
        for (const r of rows) {
          if (r.state === 'sending') d.sending = r.n;
          else {
            d.queued = r.n;
            const at = createdAt.get(r.oldest) as number | undefined;
            if (at !== undefined) d.oldestQueuedAgeMs = Math.max(0, now - at);
          }
        }
        result.push(d);
      }
      return result;
    },
    messageCountsSince(from: number): MessageCounts[] {
      const result: MessageCounts[] = [];
      for (const account of accounts.all() as string[]) {
        const row = since.get(from, account, from) as
          | { account: string; n_in: number | null; n_out: number | null }
          | undefined;
        if (row !== undefined) result.push({ account, in: row.n_in ?? 0, out: row.n_out ?? 0 });
      }
      return result;
    },
  };
}

/** The read-outs `createObservability` builds. */
export type Observability = ReturnType<typeof createObservability>;
