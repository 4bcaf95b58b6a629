/**
 * Collects items from many callers and writes them in one batch: per tick (setImmediate) or as
 * soon as `maxBatch` items are waiting. Each caller's promise settles with the outcome of the
 * batch that held its item, so "resolved" means "durable".
 */
export class GroupCommit<T, R> {
  private items: T[] = [];
  private waiters: Array<{ resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled: NodeJS.Immediate | undefined;
  private inflight = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 512,
  ) {}

  /** Adds `item` to the next batch; resolves with its result once the batch is written. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxBatch) this.flush();
      else this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes whatever is waiting now. */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.items.length === 0) return;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    this.inflight++;
    this.write(items).then(
      (results) => {
        for (let i = 0; i < waiters.length; i++) waiters[i]!.resolve(results[i] as R);
        this.settled();
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
        this.settled();
      },
    );
  }

  /** Flushes and resolves when nothing is waiting or being written. */
  async drain(): Promise<void> {
    this.flush();
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private settled(): void {
    this.inflight--;
    if (this.inflight === 0 && this.items.length === 0) {
      const w = this.drainWaiters;
      this.drainWaiters = [];
      for (const f of w) f();
    }
  }
}

/** Groups `items` by `key`, keeping the first-seen order of keys and the order within each. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
