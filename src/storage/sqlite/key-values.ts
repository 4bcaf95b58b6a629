import type { MediaRef } from '../../domain/message.js';
import type { SqliteDb } from './database.js';

/** Small keyed records: settings, per-account auth state and media metadata. */
export function createKeyValues(db: SqliteDb) {
  const getSetting = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const putSetting = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const deleteSetting = db.prepare('DELETE FROM settings WHERE key = ?');
  // json_each keeps this one statement whatever the number of keys asked for.
  const loadAuth = db.prepare(
    'SELECT key, value FROM auth_state WHERE account = ? AND key IN (SELECT value FROM json_each(?))',
  );
  const putAuth = db.prepare(
    `INSERT INTO auth_state (account, key, value) VALUES (?, ?, ?)
     ON CONFLICT (account, key) DO UPDATE SET value = excluded.value`,
  );
  const deleteAuth = db.prepare('DELETE FROM auth_state WHERE account = ? AND key = ?');
  const clearAuth = db.prepare('DELETE FROM auth_state WHERE account = ?');
  const putMedia = db.prepare(
    `INSERT INTO media (sha256, size, mime, file_name) VALUES (?, ?, ?, ?)
     ON CONFLICT (sha256) DO NOTHING`,
  );
  const saveAuth = db.transaction(
    (account: string, entries: Array<{ key: string; value: Buffer | null }>) => {
      for (const e of entries) {
        if (e.value === null) deleteAuth.run(account, e.key);
        else putAuth.run(account, e.key, e.value);
      }
    },
  );
  const getMedia = db.prepare('SELECT sha256, size, mime, file_name FROM media WHERE sha256 = ?');

  return {
    /** A setting's value. */
    getSetting(key: string): string | undefined {
      return (getSetting.get(key) as string | undefined) ?? undefined;
    },
    /** `undefined` deletes the setting. */
    setSetting(key: string, value: string | undefined): void {
      if (value === undefined) deleteSetting.run(key);
      else putSetting.run(key, value);
    },
    /** The stored values of `keys` that exist. */
    loadAuth(account: string, keys: string[]): Map<string, Buffer> {
      const out = new Map<string, Buffer>();
      if (keys.length === 0) return out;
      for (const r of loadAuth.all(account, JSON.stringify(keys)) as Array<{ key: string; value: Buffer }>) {
        out.set(r.key, r.value);
      }
      return out;
    },
    /** Upserts and deletes (`null`) in one transaction. */
    saveAuth: (account: string, entries: Array<{ key: string; value: Buffer | null }>): void =>
      saveAuth(account, entries),
    /** Drops every auth key of `account`. */
    clearAuth(account: string): void {
      clearAuth.run(account);
    },
    /** First metadata recorded for a hash wins; the bytes are the same anyway. */
    saveMedia(ref: MediaRef): void {
      putMedia.run(ref.sha256, ref.size, ref.mime, ref.fileName ?? null);
    },
    /** Metadata of one blob. */
    getMedia(sha256: string): MediaRef | undefined {
      const r = getMedia.get(sha256) as
        | { sha256: string; size: number; mime: string; file_name: string | null }
        | undefined;
      if (!r) return undefined;
      const ref: MediaRef = { sha256: r.sha256, size: r.size, mime: r.mime };
      if (r.file_name !== null) ref.fileName = r.file_name;
      return ref;
    },
  };
}

/** The records `createKeyValues` builds. */
export type KeyValues = ReturnType<typeof createKeyValues>;
