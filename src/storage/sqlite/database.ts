import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage, isLindaError, StorageError } from '../../domain/errors.js';

/** The better-sqlite3 handle; this folder is the only one that sees it. */
export type SqliteDb = Database.Database;

/** Statement shape shared by every module in this folder. */
export type Statement = Database.Statement;

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);
const UNWRITABLE_SQLITE = /^SQLITE_(CANTOPEN|READONLY|PERM|FULL|IOERR)/;
const UNWRITABLE_FS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EEXIST']);

/**
 * Maps anything thrown by SQLite or the file system to a `StorageError` naming `path`.
 * `LindaError`s pass through unchanged, so domain errors (ACCOUNT_EXISTS) keep their code.
 */
export function toStorageError(err: unknown, path: string, operation: string): Error {
  if (isLindaError(err)) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const details = { path, operation, ...(code ? { sqliteCode: code } : {}) };
  if (CORRUPT_CODES.has(code)) {
    return new StorageError('STORAGE_CORRUPT', `database ${path} is corrupt or not a database`, details, {
      cause: err,
    });
  }
  if (UNWRITABLE_SQLITE.test(code) || UNWRITABLE_FS.has(code)) {
    return new StorageError(
      'STORAGE_UNWRITABLE',
      `database ${path} cannot be opened or written: ${errorMessage(err)}`,
      details,
      { cause: err },
    );
  }
  return new StorageError('STORAGE_FAILED', `${operation} failed on ${path}: ${errorMessage(err)}`, details, {
    cause: err,
  });
}

/**
 * Opens (creating if needed) the database at `path` and applies the pragmas Linda relies on.
 * Reads the schema once so a file of random bytes fails here, not on the first query.
 */
export function openDatabase(path: string): SqliteDb {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw toStorageError(err, path, 'open');
    }
  }
  let db: SqliteDb | undefined;
  try {
    db = new Database(path);
    // WAL lets readers run beside the one writer; NORMAL is durable across process crashes in WAL.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -32768');
    db.pragma('temp_store = MEMORY');
    // Checkpoints fsync; at the default (1000 pages) a burst of ingest checkpoints on nearly every
    // commit. 10000 pages (~40 MB of WAL) keeps them rare without letting the WAL grow unbounded.
    db.pragma('wal_autocheckpoint = 10000');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // The handle is unusable anyway; the original error is the one worth reporting.
    }
    throw toStorageError(err, path, 'open');
  }
}
