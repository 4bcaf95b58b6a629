import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { groupBy } from '../common/group-commit.js';
import type { SendReceipt } from '../connectors/types.js';
import { ConnectorError, errorMessage } from '../domain/errors.js';
import type { OutboundMessage } from '../domain/message.js';
import type { EventBus } from '../events/bus.js';
import { type BackoffPolicy, backoffDelay } from '../limits/backoff.js';
import type { SlidingWindowLimiter } from '../limits/sliding-window.js';
import type { OutboxRecord, Store } from '../storage/types.js';

/** How one account's sender behaves. */
export interface SenderOptions {
  /** Rows claimed per round. */
  batch: number;
  /** After this many failed attempts a row goes to `dead`. */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

type Outcome = Parameters<Store['settleOutbound']>[1][number];

/**
 * Drains one account's outbox: claims due rows, sends them through the account's rate limiter
 * (one recipient's messages in order, different recipients in parallel) and records outcomes
 * in one transaction per round. Retryable failures come back with backoff; after
 * `maxAttempts` a row is dead-lettered.
 */
export class AccountSender {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly account: string,
    private readonly store: Store,
    private readonly send: (message: OutboundMessage) => Promise<SendReceipt>,
    private readonly limiter: SlidingWindowLimiter,
    /** Per-recipient pacing (the network's pair rate), keyed by `to`; none when undefined. */
    private readonly recipientLimiter: SlidingWindowLimiter | undefined,
    private readonly opts: SenderOptions,
    private readonly logger: Logger,
    private readonly events: EventBus,
  ) {
    // Every recipient waiting on the rate limiter listens for the stop; there may be hundreds.
    setMaxListeners(0, this.abort.signal);
  }

  /** Asks for a drain round soon; cheap to call often. */
  wake(): void {
    if (this.abort.signal.aborted) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops claiming; waits for the round in flight to record its outcomes. Leaves no timer. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const claimed = await this.round();
        if (claimed > 0) this.again = true;
      } catch (err) {
        this.logger.error({ err, account: this.account }, 'outbox round failed; retrying soon');
        this.schedule(Date.now() + this.opts.backoff.baseMs);
        return;
      }
    } while (this.again && !this.abort.signal.aborted);
  }

  private async round(): Promise<number> {
    if (this.abort.signal.aborted) return 0;
    const rows = await this.store.claimOutbound(this.account, this.opts.batch, Date.now());
    if (rows.length === 0) return 0;
    const byRecipient = groupBy(rows, (row) => row.message.to);
    const outcomes: Outcome[] = [];
    await Promise.all([...byRecipient.values()].map((list) => this.sendInOrder(list, outcomes)));
    await this.store.settleOutbound(this.account, outcomes);
    if (this.events.wants('message.sent')) this.publish(rows, outcomes);
    let nextDue = Number.POSITIVE_INFINITY;
    for (const o of outcomes)
      if (o.state === 'queued' && o.nextAttemptAt !== undefined) nextDue = Math.min(nextDue, o.nextAttemptAt);
    if (nextDue !== Number.POSITIVE_INFINITY) this.schedule(nextDue);
    return rows.length;
  }

  private async sendInOrder(list: OutboxRecord[], outcomes: Outcome[]): Promise<void> {
    for (const row of list) {
      // A stop mid-round puts the rest back untouched (the attempt was not made).
      const paced =
        (this.recipientLimiter === undefined ||
          (await this.recipientLimiter.acquire(row.message.to, this.abort.signal))) &&
        (await this.limiter.acquire(this.account, this.abort.signal));
      if (!paced) {
        outcomes.push({ seq: row.seq, state: 'queued', nextAttemptAt: Date.now() });
        continue;
      }
      try {
        await this.send(row.message);
        outcomes.push({ seq: row.seq, state: 'sent' });
      } catch (err) {
        outcomes.push(this.failure(row, err));
      }
    }
  }

  /** One `message.sent` event per attempt made (rows put back untried publish nothing). */
  private publish(rows: OutboxRecord[], outcomes: Outcome[]): void {
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    for (const o of outcomes) {
      const row = bySeq.get(o.seq);
      if (row === undefined || (o.state === 'queued' && o.error === undefined)) continue;
      const { id, to, kind, body } = row.message;
      this.events.publish('message.sent', this.account, {
        id,
        to,
        kind,
        result: o.state === 'queued' ? 'retry' : o.state,
        attempts: row.attempts,
        ...(body === undefined ? {} : { body }),
        ...(o.error === undefined ? {} : { error: o.error }),
      });
    }
  }

  private failure(row: OutboxRecord, err: unknown): Outcome {
    const error = errorMessage(err);
    const retryable = !(err instanceof ConnectorError) || err.retryable;
    if (!retryable) return { seq: row.seq, state: 'failed', error };
    if (row.attempts >= this.opts.maxAttempts) return { seq: row.seq, state: 'dead', error };
    // The network may ask for a longer wait (throughput limits, pair rate) than our backoff.
    const wait = Math.max(
      backoffDelay(this.opts.backoff, row.attempts),
      err instanceof ConnectorError ? (err.retryAfterMs ?? 0) : 0,
    );
    const nextAttemptAt = Date.now() + wait;
    this.logger.warn(
      { account: this.account, seq: row.seq, attempts: row.attempts, error },
      'send failed; will retry',
    );
    return { seq: row.seq, state: 'queued', error, nextAttemptAt };
  }

  private schedule(at: number): void {
    if (this.abort.signal.aborted) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.wake();
      },
      // Timers run on a monotonic clock and may fire a millisecond before Date.now() reaches
      // `at`; the store compares against Date.now(), so aim just past it.
      Math.max(0, at - Date.now()) + 2,
    );
  }
}
