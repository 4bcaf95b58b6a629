import type { Account } from '../domain/account.js';
import type { Message, MessageKind } from '../domain/message.js';
import type { OutboxRecord } from '../storage/types.js';

/** What a context needs from the engine to answer. */
export interface ReplyApi {
  /**
   * Queues a reply durably. `key` is deterministic per (inbound message, reply number), so running
   * the same handler again after a crash does not queue the reply twice.
   */
  reply(
    account: string,
    to: string,
    body: { kind: MessageKind; body?: string; quotedId?: string; meta?: Record<string, unknown> },
    key: string,
  ): Promise<OutboxRecord>;
}

/** Options of `ctx.reply`. */
export interface ReplyOptions {
  /** Quote the message being answered. */
  quote?: boolean;
}

/**
 * One inbound message as handlers see it: short getters and `reply()` that fills in the chat
 * and account. Plugins add typed fields through intersection types ("flavors").
 */
export class Context {
  /** Arguments of a matched command, or the match of `hears`. */
  match: string | RegExpExecArray | undefined;
  /** Free-form per-message state for middleware. */
  readonly state: Record<string, unknown> = {};
  /** Outbox records of the replies queued while handling this message, in order. */
  readonly replies: OutboxRecord[] = [];
  private replyCount = 0;

  constructor(
    readonly message: Message,
    readonly account: Account,
    private readonly api: ReplyApi,
  ) {}

  get chat(): string {
    return this.message.chat;
  }

  get from(): string {
    return this.message.sender;
  }

  get kind(): MessageKind {
    return this.message.kind;
  }

  /** Text body or media caption. */
  get text(): string | undefined {
    return this.message.body;
  }

  /** Replies in the same chat; resolves once the reply is durable in the outbox. */
  async reply(text: string, opts: ReplyOptions = {}): Promise<OutboxRecord> {
    return this.queue({ kind: 'text', body: text, ...(opts.quote ? { quotedId: this.message.id } : {}) });
  }

  /** Reacts to the message with an emoji (an empty string removes the reaction). */
  async react(emoji: string): Promise<OutboxRecord> {
    return this.queue({ kind: 'reaction', body: emoji, meta: { targetId: this.message.id } });
  }

  private async queue(body: Parameters<ReplyApi['reply']>[2]): Promise<OutboxRecord> {
    // The key is taken before awaiting, so concurrent replies get distinct keys in call order.
    const key = `${this.message.id}:r${this.replyCount++}`;
    const record = await this.api.reply(this.account.id, this.message.chat, body, key);
    this.replies.push(record);
    return record;
  }
}
