import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqliteDb } from './database.js';

/** One numbered schema change, e.g. `001-initial`. */
export interface Migration {
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{3,}-[a-z0-9-]+)\.sql$/;

/**
 * Where the `.sql` files are. `tsc` does not copy them to `dist/`, so when running the build
 * this falls back from `dist/storage/sqlite/migrations` to the same folder under `src/`.
 */
export function migrationsDir(): string {
  const candidates = [
    new URL('./migrations/', import.meta.url),
    new URL('../../../src/storage/sqlite/migrations/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(dir) && readdirSync(dir).some((f) => MIGRATION_FILE.test(f))) return dir;
  }
  throw new Error(
    `no SQLite migrations found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`,
  );
}

/** Reads every migration in `dir`, ordered by number. */
export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .map((file) => MIGRATION_FILE.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, `${name}.sql`), 'utf8') }));
}

/** Names of the migrations recorded in `db`, in the order they were applied. */
export function appliedMigrations(db: SqliteDb): string[] {
  const rows = db.prepare('SELECT name FROM migrations ORDER BY id').all() as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/**
 * Applies pending migrations in order, each in its own transaction together with its record,
 * so a failed migration leaves neither a half-changed schema nor a record claiming it ran.
 */
export function migrate(db: SqliteDb, migrations: Migration[] = loadMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const done = new Set(appliedMigrations(db));
  const record = db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.name, Date.now());
    })();
    applied.push(m.name);
  }
  return applied;
}
