/**
 * Runs tasks in arrival order per key (a chat) and different keys in parallel, at most
 * `concurrency` keys at once. Keys are forgotten as soon as their queue is empty, so an idle
 * chat costs nothing.
 */
export class ChatQueue {
  private readonly queues = new Map<string, Array<() => Promise<void>>>();
  private readonly waiting: string[] = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly concurrency: number) {}

  /** Queues `task` behind earlier tasks of `key`. Task errors must be handled by the task. */
  push(key: string, task: () => Promise<void>): void {
    const queue = this.queues.get(key);
    if (queue !== undefined) {
      queue.push(task);
      return;
    }
    this.queues.set(key, [task]);
    if (this.active < this.concurrency) this.runKey(key);
    else this.waiting.push(key);
  }

  /** Number of tasks queued or running. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves when every queued task has finished. */
  idle(): Promise<void> {
    if (this.queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private runKey(key: string): void {
    this.active++;
    void this.drain(key);
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key);
    while (queue !== undefined && queue.length > 0) {
      const task = queue[0]!;
      try {
        await task();
      } catch {
        // Tasks own their errors; a throw here must not stall the chat.
      }
      queue.shift();
    }
    this.queues.delete(key);
    this.active--;
    const next = this.waiting.shift();
    if (next !== undefined) this.runKey(next);
    else if (this.queues.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
