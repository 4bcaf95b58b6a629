import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError, LindaError, ValidationError } from '../../domain/errors.js';
import type { InboundMessage, OutboundMessage } from '../../domain/message.js';
import type { SendReceipt } from '../types.js';
import { type DeliveryListener, DeliveryLog } from './delivery-log.js';
import type {
  Delivery,
  DeliveryFilter,
  SandboxOptions,
  SandboxPort,
  SandboxStats,
  SayInput,
  SayItem,
  WaitOptions,
} from './types.js';

const ACCOUNT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * A simulated WhatsApp network. Accounts `attach` a port; virtual contacts `say` things to them
 * and receive what they `accept` to send, with optional latency, failures and receipts.
 *
 * @example
 * const net = new SandboxNetwork({ receipts: 'read' });
 * await net.say('demo', '+15550001111', 'hi'); // resolves once the account stored it
 */
export class SandboxNetwork {
  #opts: SandboxOptions;
  #ports = new Map<string, SandboxPort>();
  #log = new DeliveryLog();
  /** Accepted ids per account with their receipt timestamp: the network's dedupe memory. */
  #sent = new Map<string, Map<string, number>>();
  #stats: SandboxStats = { inbound: 0, delivered: 0, duplicates: 0, failedSends: 0 };
  /** Random per network so ids stay unique across restarts of a crash test (the engine dedupes by id). */
  #idPrefix = `SBX${randomBytes(6).toString('hex').toUpperCase()}`;
  #idCounter = 0;
  /** Receipts wait here and go out in one batch per event-loop turn, after the sender's continuation. */
  #receiptQueue: Array<{ account: string; id: string; at: number }> = [];
  #receiptTimer: NodeJS.Immediate | undefined;

  constructor(opts: Partial<SandboxOptions> = {}) {
    this.#opts = {
      latencyMs: 0,
      failureRate: 0,
      receipts: 'delivered',
      random: Math.random,
      recordDeliveries: true,
    };
    this.configure(opts);
  }

  /** Changes options at runtime; omitted fields keep their value. Throws `ValidationError`. */
  configure(partial: Partial<SandboxOptions>): void {
    const next = { ...this.#opts, ...stripUndefined(partial) };
    if (!Number.isFinite(next.latencyMs) || next.latencyMs < 0) {
      throw new ValidationError('latencyMs must be a finite number >= 0');
    }
    if (!(next.failureRate >= 0 && next.failureRate <= 1)) {
      throw new ValidationError('failureRate must be between 0 and 1');
    }
    if (!['none', 'delivered', 'read'].includes(next.receipts)) {
      throw new ValidationError("receipts must be 'none', 'delivered' or 'read'");
    }
    this.#opts = next;
  }

  /** Current options (a copy). */
  options(): SandboxOptions {
    return { ...this.#opts };
  }

  /**
   * Connects `account` to the network; returns its detach function. Attaching an account that is
   * already attached replaces the old port (like a second WhatsApp Web login): the old port's
   * `replaced()` is called and its detach function becomes a no-op.
   */
  attach(account: string, port: SandboxPort): () => void {
    if (!ACCOUNT_ID.test(account)) throw new ValidationError(`invalid account id: ${account}`);
    const previous = this.#ports.get(account);
    this.#ports.set(account, port);
    if (previous !== undefined && previous !== port) previous.replaced?.();
    return () => {
      if (this.#ports.get(account) === port) this.#ports.delete(account);
    };
  }

  /** Accounts with an attached port. */
  attachedAccounts(): string[] {
    return [...this.#ports.keys()];
  }

  /**
   * `account` sends `message` to contact `message.to`. Waits `latencyMs`, may fail (retryable
   * `ConnectorError`, code SEND_FAILED), and delivers each (account, id) once: a repeat is
   * counted in `stats().duplicates` and gets the first receipt back.
   */
  async accept(account: string, message: OutboundMessage): Promise<SendReceipt> {
    if (!this.#ports.has(account)) {
      throw new ConnectorError('send', `sandbox account ${account} is not attached`, {
        retryable: true,
        code: 'SESSION_NOT_READY',
      });
    }
    if (this.#opts.latencyMs > 0) await sleep(this.#opts.latencyMs);
    if (this.#opts.failureRate > 0 && this.#opts.random() < this.#opts.failureRate) {
      this.#stats.failedSends++;
      throw new ConnectorError('send', `sandbox: injected failure sending ${message.id}`, {
        retryable: true,
        code: 'SEND_FAILED',
      });
    }
    let sent = this.#sent.get(account);
    if (sent === undefined) {
      sent = new Map();
      this.#sent.set(account, sent);
    }
    const first = sent.get(message.id);
    if (first !== undefined) {
      this.#stats.duplicates++;
      // Receipts again: the first ones may have been lost with a crashed sender.
      this.#queueReceipt(account, message.id, first);
      return { id: message.id, timestamp: first };
    }
    const at = Date.now();
    sent.set(message.id, at);
    this.#stats.delivered++;
    const delivery: Delivery = {
      account,
      to: message.to,
      id: message.id,
      kind: message.kind,
      body: message.body,
      media: message.media,
      quotedId: message.quotedId,
      meta: message.meta,
      at,
    };
    this.#log.record(delivery, this.#opts.recordDeliveries);
    this.#queueReceipt(account, message.id, at);
    return { id: message.id, timestamp: at };
  }

  /**
   * Contact `from` sends `input` (a text, or message parts such as `{ kind: 'reaction', meta }`)
   * to `account`. Resolves with the message once the account's port acknowledged it; rejects
   * with SESSION_NOT_READY when the account is not attached, or with the port's error.
   */
  async say(account: string, from: string, input: SayInput): Promise<InboundMessage> {
    const port = this.#ports.get(account);
    if (port === undefined) {
      throw new LindaError('SESSION_NOT_READY', `sandbox account ${account} is not attached`, { account });
    }
    const message = this.#buildInbound(from, input);
    await port.deliver(message);
    this.#stats.inbound++;
    return message;
  }

  /**
   * Sends a batch to `account` with at most `concurrency` messages awaiting acknowledgement
   * (default: all at once, which lets the engine group-commit them). Resolves in input order;
   * on the first failure stops starting new messages and rejects once the started ones settled.
   */
  async sayMany(
    account: string,
    items: readonly SayItem[],
    opts: { concurrency?: number } = {},
  ): Promise<InboundMessage[]> {
    const concurrency = Math.max(1, Math.min(opts.concurrency ?? items.length, items.length));
    const results = new Array<InboundMessage>(items.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const lane = async (): Promise<void> => {
      while (failure === undefined && next < items.length) {
        const index = next++;
        const item = items[index]!;
        try {
          results[index] = await this.say(account, item.from, item.input);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    if (failure !== undefined) throw failure.error;
    return results;
  }

  /** Accepted deliveries matching `filter`, oldest first. Empty when `recordDeliveries` is off. */
  deliveries(filter?: DeliveryFilter): Delivery[] {
    return this.#log.list(filter);
  }

  /** Calls `listener` synchronously for every delivery; returns the unsubscribe function. */
  onDelivery(listener: DeliveryListener): () => void {
    return this.#log.subscribe(listener);
  }

  /**
   * Resolves once `count` deliveries match the filter (recorded ones count), or once `opts.count`
   * (default 1) match `predicate` too. Rejects with `LindaError('TIMEOUT')` after `timeoutMs` (default 5,000).
   *
   * @example
   * const [reply] = await net.waitForDeliveries(1, { account: 'demo', to: '+15550001111' });
   */
  waitForDeliveries(what: number | ((d: Delivery) => boolean), opts?: WaitOptions): Promise<Delivery[]> {
    return this.#log.waitFor(what, opts);
  }

  /** Counters since construction or `reset()` (a copy). */
  stats(): SandboxStats {
    return { ...this.#stats };
  }

  /** Delivery listeners (pending waiters included) plus attached ports; 0 when nothing leaks. */
  listenerCount(): number {
    return this.#log.listenerCount + this.#ports.size;
  }

  /**
   * Forgets deliveries, counters, dedupe memory and queued receipts. Attached ports and listeners
   * stay, so a running engine keeps working across test cases.
   */
  reset(): void {
    this.#log.clear();
    this.#sent.clear();
    this.#stats = { inbound: 0, delivered: 0, duplicates: 0, failedSends: 0 };
    this.#receiptQueue = [];
    if (this.#receiptTimer !== undefined) clearImmediate(this.#receiptTimer);
    this.#receiptTimer = undefined;
  }

  #buildInbound(from: string, input: SayInput): InboundMessage {
    if (!E164.test(from)) throw new ValidationError(`sandbox contact must be an E.164 number: ${from}`);
    const parts = typeof input === 'string' ? { body: input } : input;
    const message: InboundMessage = {
      id: parts.id ?? this.#nextId(),
      chat: parts.chat ?? from,
      sender: parts.sender ?? from,
      kind: parts.kind ?? 'text',
      timestamp: parts.timestamp ?? Date.now(),
    };
    if (parts.body !== undefined) message.body = parts.body;
    if (parts.media !== undefined) message.media = parts.media;
    if (parts.quotedId !== undefined) message.quotedId = parts.quotedId;
    if (parts.meta !== undefined) message.meta = parts.meta;
    return message;
  }

  #nextId(): string {
    return `${this.#idPrefix}${(this.#idCounter++).toString(16).toUpperCase().padStart(8, '0')}`;
  }

  #queueReceipt(account: string, id: string, at: number): void {
    if (this.#opts.receipts === 'none') return;
    this.#receiptQueue.push({ account, id, at });
    this.#receiptTimer ??= setImmediate(() => this.#flushReceipts());
  }

  #flushReceipts(): void {
    const queue = this.#receiptQueue;
    this.#receiptQueue = [];
    this.#receiptTimer = undefined;
    const read = this.#opts.receipts === 'read';
    for (const { account, id, at } of queue) {
      // The port current now: a detached account's receipts are dropped, as WhatsApp would hold them.
      const port = this.#ports.get(account);
      if (port === undefined) continue;
      try {
        port.status({ id, status: 'delivered', timestamp: at });
        if (read) port.status({ id, status: 'read', timestamp: at });
      } catch (err) {
        // One failing port must not starve the others of their receipts.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

function stripUndefined<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}
