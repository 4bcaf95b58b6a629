import type { Logger } from 'pino';
import { GroupCommit, groupBy } from '../common/group-commit.js';
import type { SendReceipt } from '../connectors/types.js';
import type { OutboundMessage } from '../domain/message.js';
import type { EventBus } from '../events/bus.js';
import type { RateLimit } from '../limits/rate-limit.js';
import { SlidingWindowLimiter, type WaitObserver } from '../limits/sliding-window.js';
import type { OutboxInput, OutboxRecord, Store } from '../storage/types.js';
import { AccountSender, type SenderOptions } from './sender.js';

/** Sends that had to wait for the account's send rate or a recipient's pair rate, and for how long. */
export interface RateLimitWaits {
  account: { waits: number; waitedMs: number };
  recipient: { waits: number; waitedMs: number };
}

/**
 * The durable outbox: every outbound message is a store row before any attempt to send it.
 * Enqueues from many handlers are group-committed; one `AccountSender` per attached account
 * drains the rows through that account's rate limiter.
 */
export class Outbox {
  private readonly senders = new Map<string, AccountSender>();
  private readonly commit: GroupCommit<{ account: string; input: OutboxInput }, OutboxRecord>;
  /** Sends that waited for a rate-limit point, per account and limiter; survives re-attaches. */
  private readonly waits = new Map<string, RateLimitWaits>();

  constructor(
    private readonly store: Store,
    private readonly opts: SenderOptions,
    private readonly logger: Logger,
    private readonly events: EventBus,
  ) {
    this.commit = new GroupCommit((items) => this.write(items));
  }

  /** Queues one message; resolves with its row once it is durable. */
  enqueue(account: string, input: OutboxInput): Promise<OutboxRecord> {
    return this.commit.add({ account, input });
  }

  /**
   * Starts draining `account` through `send`, at most `rate` in all and `recipientRate` to any one
   * recipient. Replaces an earlier sender.
   */
  async attach(
    account: string,
    send: (message: OutboundMessage) => Promise<SendReceipt>,
    rate: RateLimit,
    recipientRate?: RateLimit,
  ): Promise<void> {
    await this.detach(account);
    const sender = new AccountSender(
      account,
      this.store,
      send,
      new SlidingWindowLimiter(rate, Math.random, this.waitCounter(account, 'account')),
      recipientRate === undefined
        ? undefined
        : new SlidingWindowLimiter(recipientRate, Math.random, this.waitCounter(account, 'recipient')),
      this.opts,
      this.logger,
      this.events,
    );
    this.senders.set(account, sender);
    sender.wake();
  }

  /** Stops `account`'s sender; its queued rows wait in the store for the next attach. */
  async detach(account: string): Promise<void> {
    const sender = this.senders.get(account);
    if (sender === undefined) return;
    this.senders.delete(account);
    await sender.stop();
  }

  /** Asks `account`'s sender for a round (after its session came back, say). */
  wake(account: string): void {
    this.senders.get(account)?.wake();
  }

  /** Rate-limit waits so far, per account (monotonic; for metrics). */
  rateLimitWaits(): ReadonlyMap<string, Readonly<RateLimitWaits>> {
    return this.waits;
  }

  /** Drops a removed account's rate-limit wait counts (after `detach`). */
  forget(account: string): void {
    this.waits.delete(account);
  }

  private waitCounter(account: string, limiter: 'account' | 'recipient'): WaitObserver {
    let w = this.waits.get(account);
    if (w === undefined) {
      w = { account: { waits: 0, waitedMs: 0 }, recipient: { waits: 0, waitedMs: 0 } };
      this.waits.set(account, w);
    }
    const counter = w[limiter];
    return {
      began: () => {
        counter.waits++;
      },
      ended: (ms) => {
        counter.waitedMs += ms;
      },
    };
  }

  /** Writes pending enqueues, stops every sender. */
  async close(): Promise<void> {
    await this.commit.drain();
    await Promise.all([...this.senders.keys()].map((a) => this.detach(a)));
  }

  private async write(items: Array<{ account: string; input: OutboxInput }>): Promise<OutboxRecord[]> {
    const byAccount = groupBy(
      items.map((item, index) => ({ ...item, index })),
      (item) => item.account,
    );
    const results = new Array<OutboxRecord>(items.length);
    for (const [account, group] of byAccount) {
      const records = await this.store.enqueueOutbound(
        account,
        group.map((item) => item.input),
      );
      group.forEach((item, k) => {
        results[item.index] = records[k]!;
      });
      this.senders.get(account)?.wake();
    }
    return results;
  }
}
