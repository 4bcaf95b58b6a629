/** SQLite implementation of `Store`; the only folder that imports better-sqlite3. */
export { createSqliteStore, type SqliteStoreOptions } from './store.js';
