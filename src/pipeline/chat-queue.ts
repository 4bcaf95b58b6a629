import { Fifo } from '../common/fifo.js';

/**
 * Runs tasks in arrival order per key (a chat) and different keys in parallel, at most
 * `concurrency` keys at once. A busy key gives up its slot after each task when other keys are
 * waiting, so a thousand active chats share the slots round-robin instead of the first few
 * running to completion. Keys are forgotten as soon as their queue is empty.
 */
export class ChatQueue {
  private readonly queues = new Map<string, Fifo<() => Promise<void>>>();
  private readonly waiting = new Fifo<string>();
  private active = 0;
  private tasks = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly concurrency: number) {}

  /** Queues `task` behind earlier tasks of `key`. Task errors must be handled by the task. */
  push(key: string, task: () => Promise<void>): void {
    this.tasks++;
    const queue = this.queues.get(key);
    if (queue !== undefined) {
      queue.push(task);
      return;
    }
    const list = new Fifo<() => Promise<void>>();
    list.push(task);
    this.queues.set(key, list);
    if (this.active < this.concurrency) this.run(key, list);
    else this.waiting.push(key);
  }

  /** Number of tasks queued or running. */
  get size(): number {
    return this.tasks;
  }

  /** Resolves when every queued task has finished. */
  idle(): Promise<void> {
    if (this.tasks === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private run(key: string, list: Fifo<() => Promise<void>>): void {
    this.active++;
    void this.step(key, list);
  }

  private async step(key: string, list: Fifo<() => Promise<void>>): Promise<void> {
    for (;;) {
      const task = list.shift();
      if (task === undefined) break;
      try {
        await task();
      } catch {
        // Tasks own their errors; a throw here must not stall the chat.
      }
      this.tasks--;
      // Round-robin: with keys waiting for a slot, go to the back of the line.
      if (list.length > 0 && this.waiting.length > 0) {
        this.waiting.push(key);
        this.active--;
        this.next();
        return;
      }
    }
    this.queues.delete(key);
    this.active--;
    this.next();
  }

  private next(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      const list = this.queues.get(key);
      if (list !== undefined) this.run(key, list);
    }
    if (this.tasks === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
