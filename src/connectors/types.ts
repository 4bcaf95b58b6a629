import type { InboundMessage, OutboundMessage, StatusUpdate } from '../domain/message.js';

/** Connection state a connector reports. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The engine's side of a connector: where a connector delivers what the network sends.
 * `inbound` resolves only after the message is durable; a connector acknowledges to the
 * network (webhook 200, sandbox ack) only then.
 */
export interface ConnectorSink {
  inbound(message: InboundMessage): Promise<void>;
  status(update: StatusUpdate): void;
  /**
   * The connection changed. `error` explains a close; `retryable: false` means do not reconnect
   * (logged out, replaced).
   */
  connection(state: ConnectionState, info?: { error?: Error; retryable?: boolean }): void;
}

/** What `send` returns once the network has accepted a message. */
export interface SendReceipt {
  id: string;
  timestamp: number;
}

/**
 * A way to reach WhatsApp (sandbox, Baileys, Cloud API). Connectors only translate between the
 * network and `Message`; everything else (storage, ordering, retries) is the engine's.
 */
export interface Connector {
  readonly kind: string;
  /** Connects and starts delivering to `sink`. Rejects if the first connection fails. */
  connect(sink: ConnectorSink): Promise<void>;
  /** Disconnects, removes every listener and timer it added, stops calling the sink. Idempotent. */
  disconnect(): Promise<void>;
  /**
   * Sends one message with `message.id` as its network id. Throws `ConnectorError` (with
   * `retryable`) on failure. Sending the same id twice must not produce two messages where
   * the network can tell (the sandbox dedupes by id).
   */
  send(message: OutboundMessage): Promise<SendReceipt>;
}

/** Everything a connector factory gets. */
export interface ConnectorContext {
  account: string;
  phone: string | undefined;
  config: Record<string, unknown>;
}

/** Builds a connector for one account. Registered by kind in the engine. */
export type ConnectorFactory = (ctx: ConnectorContext) => Connector;
