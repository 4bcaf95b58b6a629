import { LRUCache } from 'lru-cache';
import type { CacheStats } from '../linda-api.js';

/**
 * An LRU cache that counts hits and misses, so the engine can report how well each cache works.
 *
 * @example
 * const accounts = new CountingCache<string, Account>({ max: 1000 });
 * accounts.get('sales') ?? accounts.set('sales', await store.getAccount('sales'));
 */
export class CountingCache<K extends {}, V extends {}> {
  private readonly lru: LRUCache<K, V>;
  private hits = 0;
  private misses = 0;

  constructor(opts: { max: number; ttlMs?: number }) {
    this.lru = new LRUCache<K, V>(
      opts.ttlMs === undefined ? { max: opts.max } : { max: opts.max, ttl: opts.ttlMs },
    );
  }

  get(key: K): V | undefined {
    const value = this.lru.get(key);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  set(key: K, value: V): V {
    this.lru.set(key, value);
    return value;
  }

  delete(key: K): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, size: this.lru.size };
  }
}
