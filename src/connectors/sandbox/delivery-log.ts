import { LindaError } from '../../domain/errors.js';
import type { Delivery, DeliveryFilter, WaitOptions } from './types.js';

/** Default of `WaitOptions.timeoutMs`. */
export const DEFAULT_WAIT_MS = 5_000;

/** Listener of `onDelivery`. */
export type DeliveryListener = (delivery: Delivery) => void;

function matches(d: Delivery, filter: DeliveryFilter | undefined): boolean {
  if (filter === undefined) return true;
  return (
    (filter.account === undefined || d.account === filter.account) &&
    (filter.to === undefined || d.to === filter.to)
  );
}

/**
 * The network's record of outbound deliveries and the observers waiting on them. Kept apart from
 * the network so the send path stays a push and a loop over listeners.
 */
export class DeliveryLog {
  #entries: Delivery[] = [];
  #listeners = new Set<DeliveryListener>();
  /** Deliveries ever recorded; lets a waiter skip the delivery that was in flight when it subscribed. */
  #total = 0;

  /** Records `delivery` (in memory only when `keep`) and tells every listener. */
  record(delivery: Delivery, keep: boolean): void {
    if (keep) this.#entries.push(delivery);
    this.#total++;
    if (this.#listeners.size === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(delivery);
      } catch (err) {
        // A broken observer must not fail the sender's `accept`; surface it as an uncaught error.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /** Recorded deliveries matching `filter`, oldest first (a copy). */
  list(filter?: DeliveryFilter): Delivery[] {
    return filter === undefined ? this.#entries.slice() : this.#entries.filter((d) => matches(d, filter));
  }

  /** Calls `listener` for every future delivery; returns the unsubscribe function. */
  subscribe(listener: DeliveryListener): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: DeliveryListener = (d) => listener(d);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Subscribed listeners, pending waiters included. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Forgets recorded deliveries; listeners and waiters stay. */
  clear(): void {
    this.#entries = [];
  }

  /**
   * Resolves with the matching deliveries once there are `count` of them (recorded ones count),
   * or, for a predicate, once `opts.count` (default 1) deliveries match it.
   */
  waitFor(what: number | ((d: Delivery) => boolean), opts: WaitOptions = {}): Promise<Delivery[]> {
    const test = typeof what === 'function' ? what : undefined;
    const needed = typeof what === 'number' ? what : (opts.count ?? 1);
    const found = this.#entries.filter((d) => matches(d, opts) && (test === undefined || test(d)));
    if (found.length >= needed) return Promise.resolve(found);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS;
    const seen = this.#total;
    return new Promise<Delivery[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const unsubscribe = this.subscribe((d) => {
        if (this.#total <= seen) return;
        if (!matches(d, opts) || (test !== undefined && !test(d))) return;
        found.push(d);
        if (found.length < needed) return;
        unsubscribe();
        if (timer !== undefined) clearTimeout(timer);
        resolve(found);
      });
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          unsubscribe();
          reject(
            new LindaError(
              'TIMEOUT',
              `waited ${timeoutMs} ms for ${needed} deliveries, saw ${found.length}`,
              {
                expected: needed,
                received: found.length,
                account: opts.account,
                to: opts.to,
              },
            ),
          );
        }, timeoutMs);
      }
    });
  }
}
