import type { Logger } from 'pino';
import type { CountingCache } from '../cache/counting-cache.js';
import { Fifo } from '../common/fifo.js';
import { GroupCommit, groupBy } from '../common/group-commit.js';
import type { Account } from '../domain/account.js';
import { errorMessage, LindaError, PipelineError } from '../domain/errors.js';
import { type InboundMessage, type Message, type MessageStatus, messageSchema } from '../domain/message.js';
import { parse } from '../domain/validate.js';
import type { EventBus } from '../events/bus.js';
import type { KeyedRateLimiter } from '../limits/rate-limit.js';
import type { OutboxRecord, Store } from '../storage/types.js';
import { ChatQueue } from './chat-queue.js';
import { type MiddlewareFn, run } from './composer.js';
import { Context, type ReplyApi } from './context.js';

/** Tuning of the inbound path. */
export interface InboundOptions {
  /** Chats handled in parallel. */
  concurrency: number;
  /** Messages per group commit at most. */
  maxBatch: number;
  /** Messages accepted but not yet handled before new ones wait for their acknowledgement. */
  maxBacklog: number;
  /** Largest media payload accepted, in bytes. */
  maxMediaBytes: number;
  /** Text sent (at most once per flood window) to a sender over the flood limit. */
  floodNotice: string;
}

/** What happened to one handled message; observers use it (sandbox replies, metrics). */
export interface HandledEvent {
  message: Message;
  replies: OutboxRecord[];
  error: unknown;
  flooded: boolean;
}

interface Deps {
  store: Store;
  account(id: string): Account | undefined;
  middleware(): MiddlewareFn<Context>;
  replies: ReplyApi;
  flood: KeyedRateLimiter;
  floodNotices: KeyedRateLimiter;
  dedupe: CountingCache<string, true>;
  onError(err: PipelineError): void;
  onHandled(event: HandledEvent): void;
  events: EventBus;
  logger: Logger;
}

/**
 * The inbound path: validate → dedupe → persist (group commit) → acknowledge → handle, in
 * arrival order per chat. `ingest` resolves only once the message is durable.
 */
export class InboundPipeline {
  private readonly commit: GroupCommit<Message, boolean>;
  private readonly handledCommit: GroupCommit<
    { account: string; id: string; status: MessageStatus },
    undefined
  >;
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly queue: ChatQueue;
  private outstanding = 0;
  private readonly admission = new Fifo<() => void>();

  constructor(
    private readonly deps: Deps,
    private readonly opts: InboundOptions,
  ) {
    this.queue = new ChatQueue(opts.concurrency);
    this.commit = new GroupCommit(
      async (messages) => (await deps.store.saveMessages(messages)).inserted,
      opts.maxBatch,
    );
    this.handledCommit = new GroupCommit((items) => this.writeHandled(items), opts.maxBatch);
  }

  /**
   * Stores one inbound message and queues it for the handlers. Resolves `true` once it is
   * durable, `false` for a duplicate (same account and network id) — which is not handled again.
   */
  ingest(accountId: string, raw: InboundMessage): Promise<boolean> {
    const account = this.deps.account(accountId);
    if (account === undefined) {
      return Promise.reject(new LindaError('ACCOUNT_NOT_FOUND', `no account ${accountId}`));
    }
    const key = `${accountId}\n${raw.id}`;
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending.then(() => false);
    if (this.deps.dedupe.get(key) !== undefined) return Promise.resolve(false);
    let message: Message;
    try {
      message = this.normalize(accountId, raw);
    } catch (err) {
      return Promise.reject(err);
    }
    const acceptedAt = performance.now();
    const write = (): Promise<boolean> =>
      this.commit.add(message).then(
        (inserted) => {
          this.inflight.delete(key);
          this.deps.dedupe.set(key, true);
          if (inserted) {
            this.deps.events.publish('message.received', accountId, { message });
            this.enqueue(message, account, acceptedAt);
          } else this.release();
          return inserted;
        },
        (err: unknown) => {
          this.inflight.delete(key);
          this.release();
          throw err;
        },
      );
    const done = this.admit()
      ? write()
      : new Promise<void>((resolve) => this.admission.push(resolve)).then(write);
    this.inflight.set(key, done);
    return done;
  }

  /** Queues an already-stored message for the handlers (recovery after a restart). */
  dispatch(message: Message, account: Account): void {
    this.outstanding++;
    this.enqueue(message, account, performance.now());
  }

  private enqueue(message: Message, account: Account, acceptedAt: number): void {
    this.queue.push(`${message.account}\n${message.chat}`, () => this.handle(message, account, acceptedAt));
  }

  /**
   * Backpressure: at most `maxBacklog` messages are accepted but not yet handled. Past that,
   * new messages wait (unacknowledged, in arrival order) instead of piling up in memory, where
   * they would outlive young-generation GCs and make every collection expensive.
   */
  private admit(): boolean {
    if (this.outstanding >= this.opts.maxBacklog || this.admission.length > 0) return false;
    this.outstanding++;
    return true;
  }

  private release(): void {
    this.outstanding--;
    while (this.outstanding < this.opts.maxBacklog && this.admission.length > 0) {
      this.outstanding++;
      this.admission.shift()!();
    }
  }

  /** Resolves when every accepted message has been handled and recorded. */
  async idle(): Promise<void> {
    await this.commit.drain();
    await this.queue.idle();
    await this.handledCommit.drain();
  }

  private normalize(account: string, raw: InboundMessage): Message {
    if (raw.media !== undefined && raw.media.size > this.opts.maxMediaBytes) {
      throw new LindaError(
        'PAYLOAD_TOO_LARGE',
        `media of ${raw.media.size} bytes exceeds ${this.opts.maxMediaBytes}`,
        {
          limit: this.opts.maxMediaBytes,
        },
      );
    }
    return parse(messageSchema, { ...raw, account, direction: 'in', status: 'received' }, 'inbound message');
  }

  private async handle(message: Message, account: Account, acceptedAt: number): Promise<void> {
    const ctx = new Context(message, account, this.deps.replies);
    let error: unknown;
    let flooded = false;
    try {
      const allowed = await this.deps.flood.take(`${message.account}\n${message.sender}`);
      if (!allowed.ok) {
        flooded = true;
        const notice = await this.deps.floodNotices.take(`${message.account}\n${message.sender}`);
        if (notice.ok) await ctx.reply(this.opts.floodNotice);
      } else {
        await run(this.deps.middleware(), ctx);
      }
    } catch (err) {
      error = err;
      const wrapped = new PipelineError(message.account, message.id, err);
      this.deps.logger.error({ err, account: message.account, id: message.id }, 'handler failed');
      this.deps.onError(wrapped);
    }
    const status: MessageStatus = error === undefined ? 'received' : 'failed';
    // Not awaited: the chat's next message may start while this mark commits. The mark only
    // spares a restart from running the handlers again, and their replies have deterministic
    // keys, so a mark lost in a crash duplicates nothing. `idle()` still waits for it.
    this.handledCommit.add({ account: message.account, id: message.id, status }).catch((err: unknown) => {
      this.deps.logger.error(
        { err, account: message.account, id: message.id },
        'could not record handled message',
      );
    });
    this.release();
    this.deps.onHandled({ message, replies: ctx.replies, error, flooded });
    if (this.deps.events.wants('message.handled')) {
      this.deps.events.publish('message.handled', message.account, {
        id: message.id,
        chat: message.chat,
        kind: message.kind,
        replies: ctx.replies.length,
        latencyMs: performance.now() - acceptedAt,
        flooded,
        ...(error === undefined ? {} : { error: errorMessage(error) }),
      });
    }
  }

  private async writeHandled(
    items: Array<{ account: string; id: string; status: MessageStatus }>,
  ): Promise<undefined[]> {
    for (const group of groupBy(items, (i) => `${i.account}\n${i.status}`).values()) {
      const { account, status } = group[0]!;
      await this.deps.store.markHandled(
        account,
        group.map((i) => i.id),
        status,
      );
    }
    return new Array<undefined>(items.length);
  }
}
