import type { Message, MessageStatus } from '../../domain/message.js';
import type { SaveResult } from '../types.js';
import type { ChatTally } from './chat-tally.js';
import type { SqliteDb, Statement } from './database.js';
import { MESSAGE_COLUMNS, type MessageRow, messageParams, rowToMessage } from './rows.js';
import { FORWARD_FROM, statusUpdateSql } from './status.js';

/** Display name a connector may put in an inbound message's `meta` (`senderName` or `pushName`). */
function senderName(meta: Record<string, unknown> | undefined): string | null {
  const name = meta?.senderName ?? meta?.pushName;
  return typeof name === 'string' && name.length > 0 ? name : null;
}

/** Writes to `messages` and `contacts`, with every statement prepared once. */
export function createMessageWrites(db: SqliteDb, chats: ChatTally) {
  const insert = db.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account, direction, id) DO NOTHING`,
  );
  const upsertContact = db.prepare(
    `INSERT INTO contacts (account, phone, name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account, phone) DO UPDATE SET
       name = coalesce(excluded.name, name),
       first_seen_at = min(first_seen_at, excluded.first_seen_at),
       last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
  );
  const byId = db.prepare('SELECT * FROM messages WHERE account = ? AND direction = ? AND id = ?');
  const statusTo = new Map<MessageStatus, Statement>(
    Object.entries(FORWARD_FROM).map(([to, from]) => [
      to as MessageStatus,
      db.prepare(statusUpdateSql(from)),
    ]),
  );
  const handle = db.prepare(
    "UPDATE messages SET handled = 1, status = ? WHERE account = ? AND direction = 'in' AND id = ?",
  );
  const pending = db.prepare(
    `SELECT * FROM messages WHERE account = ? AND direction = 'in' AND handled = 0
     ORDER BY timestamp, seq LIMIT ?`,
  );

  const save = db.transaction((messages: Message[]): SaveResult => {
    const inserted = new Array<boolean>(messages.length);
    const tally = chats.begin();
    // Contacts, like chats, are written once per sender per batch.
    const senders = new Map<
      string,
      { account: string; phone: string; first: number; last: number; name: string | null }
    >();
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const fresh = insert.run(...messageParams(m)).changes === 1;
      inserted[i] = fresh;
      if (!fresh) continue;
      tally.add(m.account, m.chat, m.timestamp, m.direction === 'in');
      if (m.direction !== 'in') continue;
      const key = `${m.account}\n${m.sender}`;
      const name = senderName(m.meta);
      const c = senders.get(key);
      if (c === undefined) {
        senders.set(key, {
          account: m.account,
          phone: m.sender,
          first: m.timestamp,
          last: m.timestamp,
          name,
        });
        continue;
      }
      c.first = Math.min(c.first, m.timestamp);
      c.last = Math.max(c.last, m.timestamp);
      if (name !== null) c.name = name;
    }
    tally.flush();
    for (const c of senders.values()) upsertContact.run(c.account, c.phone, c.name, c.first, c.last);
    return { inserted };
  });

  const updateStatuses = db.transaction(
    (account: string, updates: Array<{ id: string; status: MessageStatus }>) => {
      for (const u of updates) statusTo.get(u.status)?.run(u.status, account, u.id);
    },
  );

  const markHandled = db.transaction((account: string, ids: string[], status: MessageStatus) => {
    for (const id of ids) handle.run(status, account, id);
  });

  return {
    /** Inserts in one transaction; duplicates of (account, direction, id) are skipped. */
    save: (messages: Message[]): SaveResult => save(messages),
    /** One message by its key. */
    get(account: string, direction: 'in' | 'out', id: string): Message | undefined {
      const row = byId.get(account, direction, id) as MessageRow | undefined;
      return row && rowToMessage(row);
    },
    /** Moves outbound statuses forward only; see `FORWARD_FROM`. */
    updateStatuses: (account: string, updates: Array<{ id: string; status: MessageStatus }>): void =>
      updateStatuses(account, updates),
    /** Flags inbound messages as done by the pipeline. */
    markHandled: (account: string, ids: string[], status: MessageStatus): void =>
      markHandled(account, ids, status),
    /** Inbound messages never marked handled, oldest first. */
    unhandled(account: string, limit: number): Message[] {
      return (pending.all(account, Math.max(0, limit)) as MessageRow[]).map(rowToMessage);
    },
  };
}

/** The message writer `createMessageWrites` builds. */
export type MessageWrites = ReturnType<typeof createMessageWrites>;
