import type { Message } from '../../domain/message.js';
import type { ChatSummary, Contact, HistoryPage, HistoryQuery, MessageCountQuery } from '../types.js';
import type { SqliteDb, Statement } from './database.js';
import { decodeCursor, encodeCursor, type MessageRow, rowToMessage } from './rows.js';
import type { SearchIndex } from './search-index.js';
import { toFtsQuery } from './search-query.js';

/** Read-side queries over messages, chats and contacts. */
export function createMessageQueries(db: SqliteDb, searchIndex: SearchIndex) {
  const newest = db.prepare(
    `SELECT * FROM messages WHERE account = ? AND chat = ?
     ORDER BY timestamp DESC, seq DESC LIMIT ?`,
  );
  // `timestamp <= ?` keeps the index range; the OR then cuts rows at the cursor's own timestamp.
  const older = db.prepare(
    `SELECT * FROM messages WHERE account = ? AND chat = ? AND timestamp <= ?
       AND (timestamp < ? OR seq < ?)
     ORDER BY timestamp DESC, seq DESC LIMIT ?`,
  );
  // Newest stored first, by the FTS rowid (= seq): FTS5 walks its doclists backwards and stops
  // at the limit, where ordering by timestamp would sort every match of a common word first.
  const match = db.prepare(
    `SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
     WHERE messages_fts MATCH ? AND m.account = ?
     ORDER BY messages_fts.rowid DESC LIMIT ?`,
  );
  const contact = db.prepare('SELECT * FROM contacts WHERE account = ? AND phone = ?');
  const chats = db.prepare(
    `SELECT chat, last_message_at, messages FROM chats WHERE account = ?
     ORDER BY last_message_at DESC, chat DESC LIMIT ?`,
  );
  const counts = new Map<string, Statement>();

  /** Counts sum the per-chat tallies (one row per chat), never the messages themselves. */
  function countStatement(q: MessageCountQuery): Statement {
    const where = (['account', 'chat'] as const).filter((k) => q[k] !== undefined);
    const column =
      q.direction === undefined
        ? 'messages'
        : q.direction === 'in'
          ? 'messages_in'
          : 'messages - messages_in';
    const key = `${where.join(',')}:${column}`;
    let stmt = counts.get(key);
    if (!stmt) {
      const clause = where.length === 0 ? '' : ` WHERE ${where.map((k) => `${k} = ?`).join(' AND ')}`;
      stmt = db.prepare(`SELECT coalesce(sum(${column}), 0) AS n FROM chats${clause}`);
      counts.set(key, stmt);
    }
    return stmt;
  }

  return {
    /** Newest first; `nextCursor` only when an older message exists. */
    history(account: string, chat: string, query: HistoryQuery): HistoryPage {
      const limit = Math.max(0, Math.floor(query.limit));
      if (limit === 0) return { messages: [], nextCursor: undefined };
      let rows: MessageRow[];
      if (query.before === undefined) {
        rows = newest.all(account, chat, limit + 1) as MessageRow[];
      } else {
        const c = decodeCursor(query.before);
        rows = older.all(account, chat, c.timestamp, c.timestamp, c.seq, limit + 1) as MessageRow[];
      }
      const more = rows.length > limit;
      if (more) rows.length = limit;
      const last = rows[rows.length - 1];
      return {
        messages: rows.map(rowToMessage),
        nextCursor: more && last ? encodeCursor(last.timestamp, last.seq) : undefined,
      };
    },
    /** Messages whose body contains every term of `text`, newest first. */
    search(account: string, text: string, limit: number): Message[] {
      const fts = toFtsQuery(text);
      if (fts === undefined || limit <= 0) return [];
      searchIndex.catchUp();
      return (match.all(fts, account, limit) as MessageRow[]).map(rowToMessage);
    },
    /** Number of messages matching every given filter. */
    count(q: MessageCountQuery): number {
      const args = (['account', 'chat'] as const).flatMap((k) => (q[k] === undefined ? [] : [q[k]]));
      return (countStatement(q).get(...args) as { n: number }).n;
    },
    /** One contact, as last seen. */
    contact(account: string, phone: string): Contact | undefined {
      const r = contact.get(account, phone) as
        | { account: string; phone: string; name: string | null; first_seen_at: number; last_seen_at: number }
        | undefined;
      return (
        r && {
          account: r.account,
          phone: r.phone,
          name: r.name ?? undefined,
          firstSeenAt: r.first_seen_at,
          lastSeenAt: r.last_seen_at,
        }
      );
    },
    /** Chats by most recent message. */
    chats(account: string, limit: number): ChatSummary[] {
      const rows = chats.all(account, Math.max(0, limit)) as Array<{
        chat: string;
        last_message_at: number;
        messages: number;
      }>;
      return rows.map((r) => ({ chat: r.chat, lastMessageAt: r.last_message_at, messages: r.messages }));
    },
  };
}

/** The query set `createMessageQueries` builds. */
export type MessageQueries = ReturnType<typeof createMessageQueries>;
