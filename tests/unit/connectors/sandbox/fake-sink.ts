import type { ConnectionState, ConnectorSink } from '../../../../src/connectors/types.js';
import type { InboundMessage, StatusUpdate } from '../../../../src/domain/message.js';

/** A promise with its resolve/reject exposed, to control when a fake `inbound` "commits". */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

/** A fresh `Deferred`. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A `ConnectorSink` that records every call. With `hold: true`, each `inbound` waits until the
 * test resolves its entry in `pending` (the engine's durable commit, simulated).
 */
export class FakeSink implements ConnectorSink {
  readonly inbounds: InboundMessage[] = [];
  readonly statuses: StatusUpdate[] = [];
  readonly connections: Array<{ state: ConnectionState; error?: Error; retryable?: boolean }> = [];
  readonly pending: Array<Deferred & { message: InboundMessage }> = [];
  readonly events: string[] = [];
  hold: boolean;
  #waiters: Array<() => void> = [];

  constructor(opts: { hold?: boolean } = {}) {
    this.hold = opts.hold ?? false;
  }

  inbound(message: InboundMessage): Promise<void> {
    this.inbounds.push(message);
    this.events.push(`inbound:${message.id}`);
    this.#notify();
    if (!this.hold) return Promise.resolve();
    const d = deferred();
    this.pending.push({ ...d, message });
    return d.promise.then(() => {
      this.events.push(`durable:${message.id}`);
    });
  }

  status(update: StatusUpdate): void {
    this.statuses.push(update);
    this.events.push(`status:${update.id}:${update.status}`);
    this.#notify();
  }

  connection(state: ConnectionState, info?: { error?: Error; retryable?: boolean }): void {
    this.connections.push({ state, ...info });
    this.events.push(`connection:${state}`);
    this.#notify();
  }

  linking(info: { qr?: string; pairingCode?: string } | undefined): void {
    this.events.push(`linking:${info === undefined ? 'done' : 'waiting'}`);
    this.#notify();
  }

  /** Resolves once `check()` holds, re-checking after every recorded call. */
  async until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('FakeSink.until timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
