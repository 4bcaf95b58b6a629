import type { MessageStatus } from '../../domain/message.js';
import type { OutboxInput, OutboxRecord, OutboxState, OutboxStats } from '../types.js';
import type { ChatTally } from './chat-tally.js';
import type { SqliteDb } from './database.js';
import { MESSAGE_COLUMNS, messageParams, type OutboxRow, rowToOutbox } from './rows.js';
import { FORWARD_FROM, REQUEUE_FROM, statusUpdateSql } from './status.js';

/** One settle outcome, as `Store.settleOutbound` takes it. */
export interface Outcome {
  seq: number;
  state: Exclude<OutboxState, 'sending'>;
  error?: string;
  nextAttemptAt?: number;
}

/** The durable outbox plus the mirroring of its states into the `out` message rows. */
export function createOutbox(db: SqliteDb, chats: ChatTally) {
  const byKey = db.prepare('SELECT * FROM outbox WHERE account = ? AND idempotency_key = ?');
  const bySeq = db.prepare('SELECT * FROM outbox WHERE seq = ?');
  const phoneOf = db.prepare('SELECT phone FROM accounts WHERE id = ?').pluck();
  // One statement per row: a known key inserts nothing and returns nothing.
  const insertRow = db
    .prepare(
      `INSERT INTO outbox (account, idempotency_key, message_id, message, state, attempts,
         next_attempt_at, last_error, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', 0, ?, NULL, ?, ?)
       ON CONFLICT (account, idempotency_key) DO NOTHING RETURNING seq`,
    )
    .pluck();
  const insertMessage = db.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const claim = db.prepare(
    `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?
     WHERE seq IN (SELECT seq FROM outbox WHERE account = ? AND state = 'queued' AND next_attempt_at <= ?
                   ORDER BY seq LIMIT ?)
     RETURNING *`,
  );
  const settle = db.prepare(
    `UPDATE outbox SET state = ?, last_error = coalesce(?, last_error),
       next_attempt_at = coalesce(?, next_attempt_at), updated_at = ?
     WHERE account = ? AND seq = ? RETURNING message_id`,
  );
  const requeue = db.prepare(
    `UPDATE outbox SET state = 'queued', updated_at = ? WHERE account = ? AND state = 'sending'
     RETURNING message_id`,
  );
  const mirror = {
    sent: db.prepare(statusUpdateSql(FORWARD_FROM.sent)),
    failed: db.prepare(statusUpdateSql(FORWARD_FROM.failed)),
    queued: db.prepare(statusUpdateSql(REQUEUE_FROM)),
  } satisfies Partial<Record<MessageStatus, unknown>>;
  const mirrorOf: Record<Outcome['state'], keyof typeof mirror> = {
    queued: 'queued',
    sent: 'sent',
    failed: 'failed',
    dead: 'failed',
  };
  const countsAll = db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state');
  const countsFor = db.prepare('SELECT state, count(*) AS n FROM outbox WHERE account = ? GROUP BY state');
  const oldestAll = db.prepare("SELECT min(created_at) FROM outbox WHERE state = 'queued'").pluck();
  const oldestFor = db
    .prepare("SELECT min(created_at) FROM outbox WHERE account = ? AND state = 'queued'")
    .pluck();

  const enqueue = db.transaction((account: string, items: OutboxInput[]): OutboxRecord[] => {
    const sender = (phoneOf.get(account) as string | null | undefined) ?? account;
    const tally = chats.begin();
    const records = items.map(({ idempotencyKey, message, createdAt }) => {
      const seq = insertRow.get(
        account,
        idempotencyKey,
        message.id,
        JSON.stringify(message),
        createdAt,
        createdAt,
        createdAt,
      ) as number | undefined;
      if (seq === undefined) return rowToOutbox(byKey.get(account, idempotencyKey) as OutboxRow);
      insertMessage.run(
        ...messageParams({
          account,
          id: message.id,
          chat: message.to,
          sender,
          direction: 'out',
          kind: message.kind,
          body: message.body,
          media: message.media,
          quotedId: message.quotedId,
          meta: message.meta,
          timestamp: createdAt,
          status: 'queued',
        }),
      );
      tally.add(account, message.to, createdAt, false);
      return {
        seq,
        idempotencyKey,
        message,
        state: 'queued',
        attempts: 0,
        nextAttemptAt: createdAt,
        lastError: undefined,
        createdAt,
        updatedAt: createdAt,
      } satisfies OutboxRecord;
    });
    tally.flush();
    return records;
  });

  const claimDue = db.transaction((account: string, limit: number, now: number): OutboxRecord[] => {
    const rows = claim.all(now, account, now, limit) as OutboxRow[];
    rows.sort((a, b) => a.seq - b.seq);
    // The message row stays `queued` while the outbox row is `sending`: the attempt is the
    // outbox's business, and skipping that write per message is a fifth of the send path's cost.
    return rows.map(rowToOutbox);
  });

  const settleAll = db.transaction((account: string, outcomes: Outcome[]) => {
    const now = Date.now();
    for (const o of outcomes) {
      const row = settle.get(o.state, o.error ?? null, o.nextAttemptAt ?? null, now, account, o.seq) as
        | { message_id: string }
        | undefined;
      if (!row) continue;
      const to = mirrorOf[o.state];
      mirror[to].run(to, account, row.message_id);
    }
  });

  const requeueAll = db.transaction((account: string): number => {
    const rows = requeue.all(Date.now(), account) as Array<{ message_id: string }>;
    for (const r of rows) mirror.queued.run('queued', account, r.message_id);
    return rows.length;
  });

  return {
    /** Writes outbox rows and their queued `out` messages; known keys return the first record. */
    enqueue: (account: string, items: OutboxInput[]): OutboxRecord[] => enqueue(account, items),
    /** Moves due rows to `sending` (attempts + 1), oldest seq first. */
    claim(account: string, limit: number, now: number): OutboxRecord[] {
      return limit <= 0 ? [] : claimDue(account, Math.floor(limit), now);
    },
    /** Records outcomes and mirrors them into message statuses without moving those backwards. */
    settle: (account: string, outcomes: Outcome[]): void => settleAll(account, outcomes),
    /** Rows left in `sending` by a crash go back to `queued`. */
    requeueInflight: (account: string): number => requeueAll(account),
    /** One record by seq. */
    get(seq: number): OutboxRecord | undefined {
      const row = bySeq.get(seq) as OutboxRow | undefined;
      return row && rowToOutbox(row);
    },
    /** Counts by state and the age of the oldest queued row. */
    stats(account?: string): OutboxStats {
      const rows = (account === undefined ? countsAll.all() : countsFor.all(account)) as Array<{
        state: OutboxState;
        n: number;
      }>;
      const oldest = (account === undefined ? oldestAll.get() : oldestFor.get(account)) as number | null;
      const stats: OutboxStats = { queued: 0, sending: 0, sent: 0, failed: 0, dead: 0, oldestQueuedAgeMs: 0 };
      for (const r of rows) stats[r.state] = r.n;
      if (oldest !== null) stats.oldestQueuedAgeMs = Math.max(0, Date.now() - oldest);
      return stats;
    },
  };
}

/** The outbox `createOutbox` builds. */
export type Outbox = ReturnType<typeof createOutbox>;
