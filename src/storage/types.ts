import type { Account, SessionStatus } from '../domain/account.js';
import type { MediaRef, Message, MessageStatus, OutboundMessage } from '../domain/message.js';

/** States of a row in the outbox. `dead` = gave up after the last attempt. */
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'dead';

/** One outbound message waiting in (or gone through) the durable outbox. */
export interface OutboxRecord {
  /** Store row id; the API returns it from a send. */
  seq: number;
  /** Unique per account: enqueueing the same key twice returns the first row. */
  idempotencyKey: string;
  /** The message to send; `message.id` is the network id it is sent with, fixed at enqueue time. */
  message: OutboundMessage;
  state: OutboxState;
  attempts: number;
  /** Epoch ms before which the row is not claimed again (backoff). */
  nextAttemptAt: number;
  lastError: string | undefined;
  createdAt: number;
  updatedAt: number;
}

/** What the engine asks to enqueue. */
export interface OutboxInput {
  idempotencyKey: string;
  message: OutboundMessage;
  /** Epoch ms; the outbound message's timestamp in history. */
  createdAt: number;
}

/** Result of `saveMessages`: which of the given messages were new (not duplicates). */
export interface SaveResult {
  /** Same order as the input; `false` where (account, direction, id) already existed. */
  inserted: boolean[];
}

export interface HistoryPage {
  messages: Message[];
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  nextCursor: string | undefined;
}

export interface HistoryQuery {
  limit: number;
  /** Opaque cursor from a previous page. */
  before?: string | undefined;
}

export interface Contact {
  account: string;
  phone: string;
  name: string | undefined;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface ChatSummary {
  chat: string;
  lastMessageAt: number;
  messages: number;
}

export interface MessageCountQuery {
  account?: string;
  chat?: string;
  direction?: 'in' | 'out';
}

export interface OutboxStats {
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  dead: number;
  /** Age in ms of the oldest queued row, 0 when none. */
  oldestQueuedAgeMs: number;
}

/** States of a webhook delivery. `dead` = gave up after the last attempt (replayable). */
export type WebhookDeliveryState = 'queued' | 'sending' | 'delivered' | 'dead';

/** A registered outbound webhook as stored. */
export interface WebhookRecord {
  id: string;
  url: string;
  /** Event types it wants, or `['*']` for all. */
  events: string[];
  /** Only events of this account; undefined = every account. */
  account: string | undefined;
  /** The signing secret, sealed by the engine; the store keeps opaque bytes. */
  secret: Buffer;
  enabled: boolean;
  createdAt: number;
}

/** One event to deliver to one webhook, as queued. */
export interface WebhookDeliveryInput {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  account: string;
  /** The exact JSON body every attempt sends. */
  payload: string;
  createdAt: number;
}

/** One delivery (an event for a webhook) and how its attempts went. */
export interface WebhookDeliveryRecord extends WebhookDeliveryInput {
  state: WebhookDeliveryState;
  attempts: number;
  /** Epoch ms before which the row is not claimed again (backoff). */
  nextAttemptAt: number;
  lastError: string | undefined;
  /** HTTP status of the last answer, undefined when there was none (network error, timeout). */
  lastStatus: number | undefined;
  deliveredAt: number | undefined;
}

/** The outcome of one delivery attempt, as `settleWebhookDeliveries` records it. */
export interface WebhookDeliveryOutcome {
  id: string;
  state: Exclude<WebhookDeliveryState, 'sending'>;
  error?: string;
  status?: number;
  /** For `queued`: when to try again. */
  nextAttemptAt?: number;
  /** For `delivered`. */
  deliveredAt?: number;
}

/** What `Store.health` reports (for `GET /ready`). */
export interface StoreHealth {
  migrations: {
    /** Recorded in the store, in order. */
    applied: string[];
    /** Shipped with this build (the migration files), in order. */
    expected: string[];
  };
}

/** One account's outbox backlog (`Store.outboxDepth`). */
export interface OutboxDepth {
  account: string;
  queued: number;
  sending: number;
  /** Age in ms of the oldest queued row, 0 when none. */
  oldestQueuedAgeMs: number;
}

/** Messages of one account since a moment (`Store.messageCountsSince`). */
export interface MessageCounts {
  account: string;
  /** Inbound messages stored. */
  in: number;
  /** Outbound messages the network accepted (sent, delivered or read). */
  out: number;
}

export interface StoreCapabilities {
  /** When false, the runtime serialises writes (SQLite: one writer). */
  supportsConcurrentWriters: boolean;
}

/**
 * Everything Linda persists, in domain terms. Implementations: `storage/sqlite` (default) and,
 * later, `storage/postgres`; both pass `tests/unit/storage/store-conformance.ts`.
 * Every method may throw `StorageError`.
 */
export interface Store {
  readonly kind: string;
  readonly capabilities: StoreCapabilities;
  /** Opens the connection and applies pending migrations. Idempotent. */
  init(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  /** Migration names applied, in order (e.g. `001-initial`). */
  appliedMigrations(): Promise<string[]>;
  /** Answers a query and compares applied migrations with shipped ones; throws when unreachable. */
  health(): Promise<StoreHealth>;

  // accounts
  /** Throws LindaError ACCOUNT_EXISTS when the id is taken. */
  createAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  setAccountStatus(id: string, status: SessionStatus): Promise<void>;
  /** Deletes the account and its auth state; with `purge` also its messages, contacts and outbox. */
  deleteAccount(id: string, opts: { purge: boolean }): Promise<boolean>;

  // settings (e.g. the default account)
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string | undefined): Promise<void>;

  // auth state (connector credentials and keys), opaque bytes per key
  loadAuthState(account: string, keys: string[]): Promise<Map<string, Buffer>>;
  /** `null` deletes the key. Applied in one transaction. */
  saveAuthState(account: string, entries: Array<{ key: string; value: Buffer | null }>): Promise<void>;
  clearAuthState(account: string): Promise<void>;

  // messages
  /**
   * Inserts messages in one transaction, ignoring duplicates of (account, direction, id).
   * Also upserts the sender as a contact for inbound messages.
   */
  saveMessages(messages: Message[]): Promise<SaveResult>;
  getMessage(account: string, direction: 'in' | 'out', id: string): Promise<Message | undefined>;
  /** Updates statuses of outbound messages, in one transaction. Unknown ids are ignored. */
  updateMessageStatuses(
    account: string,
    updates: Array<{ id: string; status: MessageStatus }>,
  ): Promise<void>;
  /** Marks inbound messages as handled by the pipeline (so a restart does not run them again). */
  markHandled(account: string, ids: string[], status: MessageStatus): Promise<void>;
  /** Inbound messages stored but never marked handled, oldest first. */
  unhandled(account: string, limit: number): Promise<Message[]>;
  /** Newest first; cursor pages go to older messages. */
  history(account: string, chat: string, query: HistoryQuery): Promise<HistoryPage>;
  /** Full-text search over message bodies, most recently stored first. */
  search(account: string, text: string, limit: number): Promise<Message[]>;
  countMessages(query: MessageCountQuery): Promise<number>;

  // contacts and chats
  getContact(account: string, phone: string): Promise<Contact | undefined>;
  listChats(account: string, limit: number): Promise<ChatSummary[]>;

  // outbox
  /**
   * Enqueues outbound messages and their `out` rows in `messages` (status queued) in one
   * transaction. A known idempotency key returns the existing record instead of a new one.
   */
  enqueueOutbound(account: string, items: OutboxInput[]): Promise<OutboxRecord[]>;
  /**
   * Claims up to `limit` rows with state queued and nextAttemptAt <= now, oldest first; moves them
   * to `sending` and increments attempts, atomically.
   */
  claimOutbound(account: string, limit: number, now: number): Promise<OutboxRecord[]>;
  /** Records outcomes of send attempts in one transaction (and mirrors them into `messages`). */
  settleOutbound(
    account: string,
    outcomes: Array<{
      seq: number;
      state: Exclude<OutboxState, 'sending'>;
      error?: string;
      nextAttemptAt?: number;
    }>,
  ): Promise<void>;
  /** After a crash: rows left in `sending` go back to `queued`. Returns how many. */
  requeueInflight(account: string): Promise<number>;
  getOutbound(seq: number): Promise<OutboxRecord | undefined>;
  outboxStats(account?: string): Promise<OutboxStats>;
  /** Queued and sending rows per account that has any; cost grows with the backlog, not the table. */
  outboxDepth(): Promise<OutboxDepth[]>;
  /**
   * Messages per account with a timestamp at or after `since` (epoch ms), for "today" counts;
   * cost grows with the messages since then, not the table. Accounts with none are left out.
   */
  messageCountsSince(since: number): Promise<MessageCounts[]>;

  // media metadata (the bytes live in MediaStore)
  saveMedia(ref: MediaRef): Promise<void>;
  getMedia(sha256: string): Promise<MediaRef | undefined>;

  // outbound webhooks and their deliveries
  /** Ids are generated by the caller and unique; a taken one fails with StorageError. */
  createWebhook(webhook: WebhookRecord): Promise<void>;
  getWebhook(id: string): Promise<WebhookRecord | undefined>;
  /** Oldest first. */
  listWebhooks(): Promise<WebhookRecord[]>;
  /** Deletes the webhook and every delivery of it; false when it did not exist. */
  deleteWebhook(id: string): Promise<boolean>;
  /**
   * Queues deliveries (state queued, due at `createdAt`) in one transaction; a second delivery of
   * the same (webhookId, eventId), or one for a webhook that no longer exists, is skipped.
   * Returns, in input order, whether each was inserted.
   */
  enqueueWebhookDeliveries(items: WebhookDeliveryInput[]): Promise<boolean[]>;
  /** Claims up to `limit` due queued rows, oldest first: state sending, attempts + 1, atomically. */
  claimWebhookDeliveries(limit: number, now: number): Promise<WebhookDeliveryRecord[]>;
  /** Records attempt outcomes in one transaction. */
  settleWebhookDeliveries(outcomes: WebhookDeliveryOutcome[]): Promise<void>;
  /** After a crash: deliveries left in `sending` go back to `queued`. Returns how many. */
  requeueWebhookDeliveries(): Promise<number>;
  /** Epoch ms at which the earliest queued delivery is due; undefined when none is queued. */
  nextWebhookDeliveryDue(): Promise<number | undefined>;
  getWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** A webhook's deliveries, newest first, optionally of one state. */
  listWebhookDeliveries(
    webhookId: string,
    query: { state?: WebhookDeliveryState; limit: number },
  ): Promise<WebhookDeliveryRecord[]>;
  /**
   * A `dead` or `delivered` delivery goes back to `queued` with attempts reset and due `now`
   * (same event id, same body). Queued or sending ones are left as they are. Returns the row,
   * undefined when unknown.
   */
  replayWebhookDelivery(id: string, now: number): Promise<WebhookDeliveryRecord | undefined>;
  /**
   * Retention: deletes up to `limit` deliveries that were delivered before `deliveredBefore` or
   * went dead having been created before `deadBefore`; queued and sending ones are never touched.
   * Returns how many were deleted.
   */
  pruneWebhookDeliveries(query: {
    deliveredBefore: number;
    deadBefore: number;
    limit: number;
  }): Promise<number>;
}
