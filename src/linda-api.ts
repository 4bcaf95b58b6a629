import type { Account, AccountInput } from './domain/account.js';
import type { Message } from './domain/message.js';
import type { EventBus } from './events/bus.js';
import type {
  ChatSummary,
  HistoryPage,
  MessageCounts,
  OutboxDepth,
  OutboxRecord,
  OutboxStats,
  StoreHealth,
} from './storage/types.js';

/** Options of a send through the API or an account context. */
export interface SendOptions {
  /** Makes retries of the same request safe: the same key returns the first outbox row. */
  idempotencyKey?: string;
  quotedId?: string;
}

/** Cache counters the engine exposes (per cache and in total). */
export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** A snapshot of the engine for `linda status` and `GET /v1/status`. */
export interface EngineStatus {
  uptimeMs: number;
  defaultAccount: string | undefined;
  accounts: Array<{ id: string; connector: string; status: string; name: string; phone: string | null }>;
  messages: { in: number; out: number };
  outbox: OutboxStats;
  caches: Record<string, CacheStats>;
  memory: { heapUsed: number; rss: number };
}

/**
 * An account-scoped view (the plan's "switch account"): `engine.use('sales').send(...)`.
 */
export interface AccountContext {
  readonly account: string;
  send(to: string, text: string, opts?: SendOptions): Promise<OutboxRecord>;
  history(chat: string, query?: { limit?: number; before?: string }): Promise<HistoryPage>;
  search(text: string, limit?: number): Promise<Message[]>;
  chats(limit?: number): Promise<ChatSummary[]>;
}

/** The engine's public control surface, used by the HTTP API and the CLI. */
export interface LindaControl {
  /** Creates the account and starts its session (unless `start: false`). */
  createAccount(input: AccountInput, opts?: { start?: boolean }): Promise<Account>;
  listAccounts(): Promise<Account[]>;
  /** Throws ACCOUNT_NOT_FOUND. */
  getAccount(id: string): Promise<Account>;
  /** Stops the session, deletes auth state; `purge` also deletes messages. Throws ACCOUNT_NOT_FOUND. */
  removeAccount(id: string, opts?: { purge?: boolean }): Promise<void>;
  startAccount(id: string): Promise<Account>;
  stopAccount(id: string): Promise<Account>;
  /** Persists `id` as the default account and returns its context. Throws ACCOUNT_NOT_FOUND. */
  setDefaultAccount(id: string): Promise<AccountContext>;
  defaultAccount(): Promise<string | undefined>;
  /** Context for `id`, or for the default account when omitted (NO_DEFAULT_ACCOUNT if none). */
  use(id?: string): AccountContext;
  status(): Promise<EngineStatus>;
  /** The QR code or pairing code an account is waiting on while it links a device, if any. */
  linking(id: string): { qr?: string; pairingCode?: string } | undefined;
}

/** What `sandboxSay` returns: the stored inbound message and the replies the bot sent to it. */
export interface SandboxExchange {
  inbound: Message;
  replies: Array<{ id: string; to: string; body: string | undefined; kind: string }>;
}

/** Sandbox helpers of the engine (the in-process sandbox network). */
export interface LindaSandboxControl {
  /**
   * A virtual contact `from` sends `text` to sandbox account `account`; resolves with the bot's
   * replies that reached `from` within `waitMs` (default 2,000 ms; returns early once the
   * pipeline has handled the message and its replies were delivered).
   */
  sandboxSay(
    account: string,
    from: string,
    text: string,
    opts?: { waitMs?: number },
  ): Promise<SandboxExchange>;
}

/** In-memory counters the engine keeps anyway; reading them costs no store query. */
export interface EngineCounters {
  caches: Record<string, CacheStats>;
  /** Per account: sends that waited for the account's send rate or a recipient's pair rate. */
  rateLimitWaits: Record<
    string,
    { account: { waits: number; waitedMs: number }; recipient: { waits: number; waitedMs: number } }
  >;
}

/** What the operator's surface (`/metrics`, `/ready`, live stats) reads from the engine. */
export interface LindaObservability {
  /** Everything that happens, as events. */
  readonly events: EventBus;
  counters(): EngineCounters;
  /** The store answers and every shipped migration is applied; throws when it does not answer. */
  storeHealth(): Promise<StoreHealth>;
  /** Outbox backlog per account (cost grows with the backlog only). */
  outboxDepth(): Promise<OutboxDepth[]>;
  /** Messages per account since `since` (epoch ms): inbound stored, outbound sent. */
  messageCountsSince(since: number): Promise<MessageCounts[]>;
}
