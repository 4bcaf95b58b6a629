import type { InboundMessage, MediaRef, MessageKind, StatusUpdate } from '../../domain/message.js';

/** How far the sandbox network acknowledges an accepted outbound message through `status`. */
export type SandboxReceipts = 'none' | 'delivered' | 'read';

/** Behaviour of a `SandboxNetwork`; every field can be changed at runtime with `configure`. */
export interface SandboxOptions {
  /** Delay of every `accept` in milliseconds; 0 (default) adds no timer at all. */
  latencyMs: number;
  /** Probability (0..1) that an `accept` fails with a retryable `ConnectorError`. Default 0. */
  failureRate: number;
  /** Status updates sent after an accepted message. Default `'delivered'`. */
  receipts: SandboxReceipts;
  /** Source of randomness for failure injection; pass `seededRandom(n)` for reproducible runs. */
  random: () => number;
  /**
   * Keep every delivery in memory for `deliveries()` and `waitForDeliveries`. Default true;
   * long load runs turn it off and watch `onDelivery` or `stats()` instead.
   */
  recordDeliveries: boolean;
}

/**
 * The account's end of the network, registered with `attach`. `deliver` resolves once the
 * account made the message durable; the network counts it as received only then.
 */
export interface SandboxPort {
  deliver(message: InboundMessage): Promise<void>;
  status(update: StatusUpdate): void;
  /** Called when another `attach` of the same account took this port's place. */
  replaced?(): void;
}

/** One outbound message the network accepted and handed to a contact. */
export interface Delivery {
  account: string;
  to: string;
  id: string;
  kind: MessageKind;
  body: string | undefined;
  media: MediaRef | undefined;
  quotedId: string | undefined;
  meta: Record<string, unknown> | undefined;
  /** `Date.now()` when the network accepted it (also the receipt's timestamp). */
  at: number;
}

/** Narrows `deliveries()` and `waitForDeliveries` to one account and/or one contact. */
export interface DeliveryFilter {
  account?: string;
  to?: string;
}

/** Options of `waitForDeliveries`. */
export interface WaitOptions extends DeliveryFilter {
  /** Rejects with `LindaError('TIMEOUT')` after this long. Default 5,000 ms. */
  timeoutMs?: number;
  /** With a predicate: how many matching deliveries to wait for. Default 1. */
  count?: number;
}

/** Counters since construction or the last `reset()`. */
export interface SandboxStats {
  /** Inbound messages an account acknowledged (its port's `deliver` resolved). */
  inbound: number;
  /** Outbound messages accepted and delivered to a contact (duplicates not included). */
  delivered: number;
  /** `accept` calls repeating an (account, id) already delivered. */
  duplicates: number;
  /** `accept` calls failed by failure injection. */
  failedSends: number;
}

/** What a contact says: a text, or the parts of a message (kind, media, meta, ...) to send. */
export type SayInput = string | Partial<InboundMessage>;

/** One message of a `sayMany` batch. */
export interface SayItem {
  from: string;
  input: SayInput;
}
