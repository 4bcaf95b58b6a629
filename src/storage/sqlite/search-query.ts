/** Most terms a search uses; the rest are ignored so one request cannot build a huge query. */
const MAX_TERMS = 16;
const WORDISH = /[\p{L}\p{N}]/u;

/**
 * Turns user text into an FTS5 query that cannot be a syntax error: every whitespace-separated
 * term becomes a quoted phrase (`"` doubled), terms without a letter or digit are dropped, and
 * all terms must match. Returns `undefined` when nothing searchable is left.
 *
 * @example toFtsQuery('NEAR( "hi"') // => '"NEAR(" """hi"""'
 */
export function toFtsQuery(text: string): string | undefined {
  const terms = text
    .split(/\s+/u)
    .filter((t) => WORDISH.test(t))
    .slice(0, MAX_TERMS)
    .map((t) => `"${t.replaceAll('"', '""')}"`);
  return terms.length === 0 ? undefined : terms.join(' ');
}
