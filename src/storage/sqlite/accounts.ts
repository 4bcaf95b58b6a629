import type { Account, SessionStatus } from '../../domain/account.js';
import { LindaError } from '../../domain/errors.js';
import type { SqliteDb } from './database.js';
import { type AccountRow, rowToAccount } from './rows.js';

/** Accounts, and deleting (or purging) everything kept for one. */
export function createAccounts(db: SqliteDb) {
  const insert = db.prepare(
    `INSERT INTO accounts (id, name, phone, connector, config, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
  const all = db.prepare('SELECT * FROM accounts ORDER BY created_at, id');
  const setStatus = db.prepare('UPDATE accounts SET status = ? WHERE id = ?');
  const removeAccount = db.prepare('DELETE FROM accounts WHERE id = ?');
  const removeAuth = db.prepare('DELETE FROM auth_state WHERE account = ?');
  const purges = [
    db.prepare('DELETE FROM messages WHERE account = ?'),
    db.prepare('DELETE FROM chats WHERE account = ?'),
    db.prepare('DELETE FROM contacts WHERE account = ?'),
    db.prepare('DELETE FROM outbox WHERE account = ?'),
  ];

  const remove = db.transaction((id: string, purge: boolean): boolean => {
    const existed = removeAccount.run(id).changes > 0;
    removeAuth.run(id);
    if (purge) for (const stmt of purges) stmt.run(id);
    return existed;
  });

  return {
    /** Throws `LindaError('ACCOUNT_EXISTS')` when the id is taken. */
    create(a: Account): void {
      const info = insert.run(
        a.id,
        a.name,
        a.phone ?? null,
        a.connector,
        JSON.stringify(a.config),
        a.status,
        a.createdAt,
      );
      if (info.changes === 0) {
        throw new LindaError('ACCOUNT_EXISTS', `account ${a.id} already exists`, { account: a.id });
      }
    },
    /** One account by id. */
    get(id: string): Account | undefined {
      const row = byId.get(id) as AccountRow | undefined;
      return row && rowToAccount(row);
    },
    /** Every account, oldest first. */
    list(): Account[] {
      return (all.all() as AccountRow[]).map(rowToAccount);
    },
    /** No-op for an unknown id (the account may have been deleted meanwhile). */
    setStatus(id: string, status: SessionStatus): void {
      setStatus.run(status, id);
    },
    /** True when the account row existed. Purge also drops messages, chats, contacts and outbox. */
    remove: (id: string, purge: boolean): boolean => remove(id, purge),
  };
}

/** The account set `createAccounts` builds. */
export type Accounts = ReturnType<typeof createAccounts>;
