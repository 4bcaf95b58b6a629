import type { SqliteDb } from './database.js';

/** Messages indexed per transaction when catching up. */
const CHUNK = 5000;

/**
 * Deferred full-text indexing. FTS5 costs more per row than everything else in an insert, so
 * `saveMessages` leaves new rows out of `messages_fts`; `catchUp` adds them in seq order and
 * moves the watermark (`search_index.indexed_upto`) past them. `search` catches up fully first,
 * so results are always complete; an idle timer keeps the backlog small.
 */
export function createSearchIndex(db: SqliteDb) {
  const watermark = db.prepare('SELECT indexed_upto FROM search_index WHERE id = 1').pluck();
  const newest = db.prepare('SELECT max(seq) FROM messages').pluck();
  const index = db.prepare(
    `INSERT INTO messages_fts (rowid, body)
     SELECT seq, body FROM messages WHERE seq > ? AND seq <= ? AND body IS NOT NULL`,
  );
  const advance = db.prepare('UPDATE search_index SET indexed_upto = ? WHERE id = 1');

  /** Indexes the next seq range of at most `rows` seqs; returns how many seqs it covered. */
  const step = db.transaction((rows: number): number => {
    const from = watermark.get() as number;
    const top = (newest.get() as number | null) ?? 0;
    if (top <= from) return 0;
    const to = Math.min(from + rows, top);
    index.run(from, to);
    advance.run(to);
    return to - from;
  });

  return {
    /** One bounded step, for idle time. True when more remains. */
    step(rows: number = CHUNK): boolean {
      step(rows);
      return ((newest.get() as number | null) ?? 0) > (watermark.get() as number);
    },
    /** Indexes everything stored so far. */
    catchUp(): void {
      while (step(CHUNK) > 0) {
        // each step is its own transaction so a long backlog does not hold one huge one
      }
    },
  };
}

/** The indexer `createSearchIndex` builds. */
export type SearchIndex = ReturnType<typeof createSearchIndex>;
