import { StorageError } from '../../domain/errors.js';
import type { Store } from '../types.js';
import { type Accounts, createAccounts } from './accounts.js';
import { createChatTally } from './chat-tally.js';
import { openDatabase, type SqliteDb, toStorageError } from './database.js';
import { createKeyValues, type KeyValues } from './key-values.js';
import { createMessageWrites, type MessageWrites } from './messages.js';
import { appliedMigrations, migrate } from './migrate.js';
import { createObservability, type Observability } from './observability.js';
import { createOutbox, type Outbox } from './outbox.js';
import { createMessageQueries, type MessageQueries } from './queries.js';
import { createSearchIndex, type SearchIndex } from './search-index.js';
import { createWebhookTables, type WebhookTables } from './webhooks.js';

/** Options of `createSqliteStore`. */
export interface SqliteStoreOptions {
  /** Database file (its directory is created), or `':memory:'` for tests. */
  path: string;
  /**
   * How often (ms) idle time is used to add new messages to the full-text index; 0 turns the
   * timer off (search still indexes whatever is missing before it runs). Default 200.
   */
  indexIntervalMs?: number;
}

/** Seqs indexed per idle tick: small enough to keep one tick to a few tens of ms. */
const IDLE_INDEX_ROWS = 2000;

interface Open {
  db: SqliteDb;
  accounts: Accounts;
  kv: KeyValues;
  writes: MessageWrites;
  queries: MessageQueries;
  outbox: Outbox;
  searchIndex: SearchIndex;
  observe: Observability;
  webhooks: WebhookTables;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The default `Store`: one SQLite file in WAL mode, one writer. Every call is synchronous
 * underneath; errors come out as `StorageError` (or the domain `LindaError` a method documents).
 *
 * @example
 * const store = createSqliteStore({ path: 'data/linda.db' });
 * await store.init();
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const { path, indexIntervalMs = 200 } = options;
  let open: Open | undefined;
  let closed = false;

  function indexIdle(): void {
    try {
      open?.searchIndex.step(IDLE_INDEX_ROWS);
    } catch {
      // Best effort: the next search catches up synchronously and reports any error itself.
    }
  }

  function use<T>(operation: string, fn: (o: Open) => T): Promise<T> {
    try {
      if (!open) {
        throw new StorageError(
          'STORAGE_FAILED',
          closed ? `store ${path} is closed` : `store ${path} is not initialised; call init() first`,
          { path, operation },
        );
      }
      return Promise.resolve(fn(open));
    } catch (err) {
      return Promise.reject(toStorageError(err, path, operation));
    }
  }

  return {
    kind: 'sqlite',
    capabilities: { supportsConcurrentWriters: false },

    async init() {
      if (open) return;
      if (closed) throw new StorageError('STORAGE_FAILED', `store ${path} is closed`, { path });
      const db = openDatabase(path);
      try {
        migrate(db);
        const searchIndex = createSearchIndex(db);
        const chats = createChatTally(db);
        open = {
          db,
          accounts: createAccounts(db),
          kv: createKeyValues(db),
          writes: createMessageWrites(db, chats),
          queries: createMessageQueries(db, searchIndex),
          outbox: createOutbox(db, chats),
          searchIndex,
          observe: createObservability(db),
          webhooks: createWebhookTables(db),
          timer: indexIntervalMs > 0 ? setInterval(indexIdle, indexIntervalMs).unref() : undefined,
        };
      } catch (err) {
        db.close();
        throw toStorageError(err, path, 'migrate');
      }
    },

    async close() {
      closed = true;
      const o = open;
      open = undefined;
      if (!o) return;
      clearInterval(o.timer);
      try {
        // Fold the WAL back so a closed file is self-contained.
        if (o.db.pragma('journal_mode', { simple: true }) === 'wal') o.db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        o.db.close();
      }
    },

    appliedMigrations: () => use('appliedMigrations', (o) => appliedMigrations(o.db)),
    health: () => use('health', (o) => o.observe.health()),

    createAccount: (account) => use('createAccount', (o) => o.accounts.create(account)),
    getAccount: (id) => use('getAccount', (o) => o.accounts.get(id)),
    listAccounts: () => use('listAccounts', (o) => o.accounts.list()),
    setAccountStatus: (id, status) => use('setAccountStatus', (o) => o.accounts.setStatus(id, status)),
    deleteAccount: (id, opts) => use('deleteAccount', (o) => o.accounts.remove(id, opts.purge)),

    getSetting: (key) => use('getSetting', (o) => o.kv.getSetting(key)),
    setSetting: (key, value) => use('setSetting', (o) => o.kv.setSetting(key, value)),

    loadAuthState: (account, keys) => use('loadAuthState', (o) => o.kv.loadAuth(account, keys)),
    saveAuthState: (account, entries) => use('saveAuthState', (o) => o.kv.saveAuth(account, entries)),
    clearAuthState: (account) => use('clearAuthState', (o) => o.kv.clearAuth(account)),

    saveMessages: (messages) => use('saveMessages', (o) => o.writes.save(messages)),
    getMessage: (account, direction, id) => use('getMessage', (o) => o.writes.get(account, direction, id)),
    updateMessageStatuses: (account, updates) =>
      use('updateMessageStatuses', (o) => o.writes.updateStatuses(account, updates)),
    markHandled: (account, ids, status) =>
      use('markHandled', (o) => o.writes.markHandled(account, ids, status)),
    unhandled: (account, limit) => use('unhandled', (o) => o.writes.unhandled(account, limit)),
    history: (account, chat, query) => use('history', (o) => o.queries.history(account, chat, query)),
    search: (account, text, limit) => use('search', (o) => o.queries.search(account, text, limit)),
    countMessages: (query) => use('countMessages', (o) => o.queries.count(query)),

    getContact: (account, phone) => use('getContact', (o) => o.queries.contact(account, phone)),
    listChats: (account, limit) => use('listChats', (o) => o.queries.chats(account, limit)),

    enqueueOutbound: (account, items) => use('enqueueOutbound', (o) => o.outbox.enqueue(account, items)),
    claimOutbound: (account, limit, now) => use('claimOutbound', (o) => o.outbox.claim(account, limit, now)),
    settleOutbound: (account, outcomes) => use('settleOutbound', (o) => o.outbox.settle(account, outcomes)),
    requeueInflight: (account) => use('requeueInflight', (o) => o.outbox.requeueInflight(account)),
    getOutbound: (seq) => use('getOutbound', (o) => o.outbox.get(seq)),
    outboxStats: (account) => use('outboxStats', (o) => o.outbox.stats(account)),
    outboxDepth: () => use('outboxDepth', (o) => o.observe.outboxDepth()),
    messageCountsSince: (since) => use('messageCountsSince', (o) => o.observe.messageCountsSince(since)),

    saveMedia: (ref) => use('saveMedia', (o) => o.kv.saveMedia(ref)),
    getMedia: (sha256) => use('getMedia', (o) => o.kv.getMedia(sha256)),

    createWebhook: (webhook) => use('createWebhook', (o) => o.webhooks.create(webhook)),
    getWebhook: (id) => use('getWebhook', (o) => o.webhooks.get(id)),
    listWebhooks: () => use('listWebhooks', (o) => o.webhooks.list()),
    deleteWebhook: (id) => use('deleteWebhook', (o) => o.webhooks.remove(id)),
    enqueueWebhookDeliveries: (items) => use('enqueueWebhookDeliveries', (o) => o.webhooks.enqueue(items)),
    claimWebhookDeliveries: (limit, now) =>
      use('claimWebhookDeliveries', (o) => o.webhooks.claim(limit, now)),
    settleWebhookDeliveries: (outcomes) => use('settleWebhookDeliveries', (o) => o.webhooks.settle(outcomes)),
    requeueWebhookDeliveries: () => use('requeueWebhookDeliveries', (o) => o.webhooks.requeueInflight()),
    nextWebhookDeliveryDue: () => use('nextWebhookDeliveryDue', (o) => o.webhooks.nextDue()),
    getWebhookDelivery: (id) => use('getWebhookDelivery', (o) => o.webhooks.getDelivery(id)),
    listWebhookDeliveries: (webhookId, query) =>
      use('listWebhookDeliveries', (o) => o.webhooks.listDeliveries(webhookId, query)),
    replayWebhookDelivery: (id, now) => use('replayWebhookDelivery', (o) => o.webhooks.replay(id, now)),
    pruneWebhookDeliveries: (query) => use('pruneWebhookDeliveries', (o) => o.webhooks.prune(query)),
  };
}
