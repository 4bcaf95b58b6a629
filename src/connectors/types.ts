import type { Logger } from 'pino';
import type { AuthStateStore } from '../accounts/auth-state.js';
import type { TerminalSessionStatus } from '../domain/account.js';
import type { InboundMessage, Message, OutboundMessage, StatusUpdate } from '../domain/message.js';
import type { RateLimit } from '../limits/rate-limit.js';
import type { MediaStore } from '../storage/media-store.js';

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
   * The connection changed. `error` explains a close; `retryable: false` means do not reconnect,
   * and `status` says which terminal state to park the session in (default `failed`).
   */
  connection(
    state: ConnectionState,
    info?: { error?: Error; retryable?: boolean; status?: TerminalSessionStatus },
  ): void;
  /**
   * Linking a device: the QR code to show (refreshes every few seconds) or a pairing code;
   * `undefined` once linked or given up.
   */
  linking(info: { qr?: string; pairingCode?: string } | undefined): void;
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
  /** Encrypted, store-backed credentials and keys of this account. */
  auth: AuthStateStore;
  /** Content-addressed media files: connectors stream inbound media here. */
  media: MediaStore;
  /** A stored message of this account (e.g. for a network's retry requests). */
  getMessage(direction: 'in' | 'out', id: string): Promise<Message | undefined>;
  logger: Logger;
}

/**
 * A connector that receives over HTTP (the Cloud API's webhooks). The server routes
 * `/webhooks/<kind>/:account` to the account's connector when it implements this.
 */
export interface WebhookReceiver {
  /** Answers a verification handshake (GET); returns the body to send, or throws UNAUTHORIZED. */
  verifyWebhook(query: Record<string, string | undefined>): string;
  /**
   * Checks the signature over the raw body (throws UNAUTHORIZED, storing nothing), then resolves
   * once every message in it is durable.
   */
  receiveWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<void>;
}

/** Narrowing for `WebhookReceiver`. */
export function isWebhookReceiver(c: unknown): c is WebhookReceiver {
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof (c as WebhookReceiver).verifyWebhook === 'function' &&
    typeof (c as WebhookReceiver).receiveWebhook === 'function'
  );
}

/**
 * Builds a connector for one account. Registered by kind in the engine. `defaultSendRate` is the
 * pacing the engine applies to this kind's accounts unless `config.sendRate` says otherwise.
 */
export type ConnectorFactory = ((ctx: ConnectorContext) => Connector) & {
  defaultSendRate?: RateLimit;
  /** Pacing per recipient unless `config.recipientRate` says otherwise (the network's pair rate). */
  defaultRecipientRate?: RateLimit;
};
