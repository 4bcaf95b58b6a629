import type { SqliteDb } from './database.js';

/**
 * Keeps the `chats` summary table (message counts, all and inbound, and last activity per chat) in step with
 * inserts. Rows are tallied in memory during a batch and written once per chat at its end: a
 * batch of 500 messages over 100 chats costs 100 upserts, not 500 trigger runs.
 */
export function createChatTally(db: SqliteDb) {
  const upsert = db.prepare(
    `INSERT INTO chats (account, chat, last_message_at, messages, messages_in) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account, chat) DO UPDATE SET
       last_message_at = max(last_message_at, excluded.last_message_at),
       messages = messages + excluded.messages,
       messages_in = messages_in + excluded.messages_in`,
  );
  return {
    /** A tally for one batch; call `flush()` inside the batch's transaction. */
    begin() {
      const tally = new Map<string, { account: string; chat: string; last: number; n: number; in: number }>();
      return {
        add(account: string, chat: string, timestamp: number, inbound: boolean): void {
          const key = `${account}\n${chat}`;
          const t = tally.get(key);
          if (t === undefined) tally.set(key, { account, chat, last: timestamp, n: 1, in: inbound ? 1 : 0 });
          else {
            t.n++;
            if (inbound) t.in++;
            if (timestamp > t.last) t.last = timestamp;
          }
        },
        flush(): void {
          for (const t of tally.values()) upsert.run(t.account, t.chat, t.last, t.n, t.in);
        },
      };
    },
  };
}

/** The tally `createChatTally` builds. */
export type ChatTally = ReturnType<typeof createChatTally>;
