import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { createAccountContext } from './accounts/account-context.js';
import { AuthCipher, createAuthStateStore } from './accounts/auth-state.js';
import { Session } from './accounts/session.js';
import { CountingCache } from './cache/counting-cache.js';
import { GroupCommit, groupBy } from './common/group-commit.js';
import { baileysConnectorFactory } from './connectors/baileys/index.js';
import { cloudConnectorFactory } from './connectors/cloud/index.js';
import { SandboxNetwork, sandboxConnectorFactory } from './connectors/sandbox/index.js';
import type { Connector, ConnectorFactory } from './connectors/types.js';
import { type Account, type AccountInput, accountInputSchema, type SessionStatus } from './domain/account.js';
import { LindaError, type PipelineError } from './domain/errors.js';
import {
  e164,
  type InboundMessage,
  MAX_TEXT_LENGTH,
  type MediaRef,
  type StatusUpdate,
} from './domain/message.js';
import { newMessageId } from './domain/message-id.js';
import { parse } from './domain/validate.js';
import { DEFAULTS, type LindaOptions } from './engine-options.js';
import { EventBus } from './events/bus.js';
import { KeyedRateLimiter, type RateLimit } from './limits/rate-limit.js';
import type {
  AccountContext,
  EngineCounters,
  EngineStatus,
  LindaControl,
  LindaObservability,
  LindaSandboxControl,
  SandboxExchange,
  SendOptions,
} from './linda-api.js';
import { registerBuiltins } from './pipeline/builtins.js';
import { Composer } from './pipeline/composer.js';
import type { Context } from './pipeline/context.js';
import { type HandledEvent, InboundPipeline } from './pipeline/inbound.js';
import { Outbox } from './queue/outbox.js';
import { sandboxExchange } from './sandbox-exchange.js';
import { createMediaStore, type MediaStore } from './storage/media-store.js';
import { createSqliteStore } from './storage/sqlite/index.js';
import type {
  Contact,
  MessageCounts,
  OutboxDepth,
  OutboxRecord,
  Store,
  StoreHealth,
} from './storage/types.js';
import { WebhookService } from './webhooks/service.js';

const DEFAULT_ACCOUNT_KEY = 'defaultAccount';
const DEMO_CREATED_KEY = 'demoCreated';
const DEMO_ACCOUNT: AccountInput = {
  id: 'demo',
  name: 'Demo bot',
  phone: '+15550000000',
  connector: 'sandbox',
};
const sendSchema = z.object({ to: e164, text: z.string().min(1).max(MAX_TEXT_LENGTH) });
const sendRateSchema = z.object({
  points: z.number().int().positive(),
  durationMs: z.number().int().positive(),
  jitterMs: z.number().int().nonnegative().optional(),
});

/**
 * The Linda engine: accounts and their sessions, the inbound pipeline, the durable outbox.
 * Create it with `createLinda`; add handlers with the composer methods; then `start()`.
 *
 * @example
 * const linda = await createLinda({ dataDir: './data', demo: true });
 * linda.bot.command('hello', (ctx) => ctx.reply(`hi ${ctx.from}`));
 * await linda.start();
 */
export class Linda implements LindaControl, LindaSandboxControl, LindaObservability {
  /** The bot's middleware: `linda.bot.command('hi', (ctx) => ctx.reply('hello'))`. */
  readonly bot = new Composer<Context>();
  readonly store: Store;
  /** Content-addressed media files (`<dataDir>/media`). */
  readonly media: MediaStore;
  readonly sandbox: SandboxNetwork;
  readonly logger: Logger;
  /** Everything that happens, as events: webhooks, SSE and metrics subscribe here. */
  readonly events: EventBus;
  /** Outbound webhooks: registrations and their signed, durable deliveries. */
  readonly webhooks: WebhookService;
  private readonly sessions = new Map<string, Session>();
  private readonly connectors: Record<string, ConnectorFactory>;
  private readonly outbox: Outbox;
  private readonly inbound: InboundPipeline;
  private readonly accountCache: CountingCache<string, Account>;
  private readonly contactCache: CountingCache<string, Contact>;
  private readonly dedupeCache: CountingCache<string, true>;
  private readonly errorHandlers = new Set<(err: PipelineError) => void>();
  private readonly linkingInfo = new Map<string, { qr?: string; pairingCode?: string }>();
  private readonly handledListeners = new Set<(e: HandledEvent) => void>();
  /** Receipts from the network, written in batches (one transaction per tick). */
  private readonly statuses: GroupCommit<{ account: string; update: StatusUpdate }, undefined>;
  private defaultAccountId: string | undefined;
  private started = false;
  private startedAt = Date.now();
  private readonly outboxRate: RateLimit;

  constructor(
    private readonly options: LindaOptions & { store: Store; media: MediaStore; cipher: AuthCipher },
  ) {
    this.store = options.store;
    this.media = options.media;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.sandbox = options.sandbox ?? new SandboxNetwork();
    this.connectors = {
      sandbox: sandboxConnectorFactory(this.sandbox),
      cloud: cloudConnectorFactory,
      baileys: baileysConnectorFactory,
      ...options.connectors,
    };
    const cache = { ...DEFAULTS.cache, ...options.cache };
    this.accountCache = new CountingCache({ max: cache.accounts });
    this.contactCache = new CountingCache({ max: cache.contacts, ttlMs: 60_000 });
    this.dedupeCache = new CountingCache({ max: cache.dedupe });
    const outboxOpts = { ...DEFAULTS.outbox, ...options.outbox };
    this.outboxRate = outboxOpts.rate;
    this.events = new EventBus((err, event) =>
      this.logger.error({ err, event: event.type }, 'event listener failed'),
    );
    this.outbox = new Outbox(this.store, outboxOpts, this.logger, this.events);
    this.webhooks = new WebhookService({
      store: this.store,
      events: this.events,
      sealer: options.cipher,
      logger: this.logger,
      checkAccount: (id) => this.getAccount(id),
      options: options.webhooks,
    });
    const pipelineOpts = { ...DEFAULTS.pipeline, ...options.pipeline };
    this.inbound = new InboundPipeline(
      {
        store: this.store,
        account: (id) => this.sessions.get(id)?.account,
        middleware: () => this.bot.middleware(),
        replies: {
          reply: (account, to, body, key) =>
            this.outbox.enqueue(account, {
              idempotencyKey: key,
              createdAt: Date.now(),
              message: { account, id: newMessageId(), to, ...body },
            }),
        },
        flood: new KeyedRateLimiter(pipelineOpts.flood),
        floodNotices: new KeyedRateLimiter({ points: 1, durationMs: pipelineOpts.flood.durationMs }),
        dedupe: this.dedupeCache,
        onError: (err) => {
          for (const h of this.errorHandlers) h(err);
        },
        onHandled: (event) => {
          for (const l of this.handledListeners) l(event);
        },
        events: this.events,
        logger: this.logger,
      },
      pipelineOpts,
    );
    this.statuses = new GroupCommit(async (items) => {
      for (const [account, list] of groupBy(items, (i) => i.account)) {
        await this.store.updateMessageStatuses(
          account,
          list.map(({ update }) => ({ id: update.id, status: update.status })),
        );
      }
      return new Array<undefined>(items.length);
    });
    if (options.builtins !== false) registerBuiltins(this.bot);
  }

  /** Registers a handler for errors thrown by middleware; the pipeline keeps going either way. */
  catch(handler: (err: PipelineError) => void): this {
    this.errorHandlers.add(handler);
    return this;
  }

  /** Observes every handled inbound message (with the replies it produced). */
  onHandled(listener: (e: HandledEvent) => void): () => void {
    this.handledListeners.add(listener);
    return () => this.handledListeners.delete(listener);
  }

  /** Opens the store, recovers what a crash left behind, and restores every account's session. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.store.init();
    this.started = true;
    this.startedAt = Date.now();
    // Before sessions open, so their first status events reach the webhooks.
    await this.webhooks.start();
    this.defaultAccountId = await this.store.getSetting(DEFAULT_ACCOUNT_KEY);
    if (this.options.demo && (await this.store.getSetting(DEMO_CREATED_KEY)) === undefined) {
      if ((await this.store.getAccount('demo')) === undefined)
        await this.createAccount(DEMO_ACCOUNT, { start: false });
      await this.store.setSetting(DEMO_CREATED_KEY, '1');
      this.defaultAccountId ??= 'demo';
      await this.store.setSetting(DEFAULT_ACCOUNT_KEY, this.defaultAccountId);
    }
    // In parallel: a real connector may take seconds to connect, and one slow account must not
    // hold the others back.
    const accounts = (await this.store.listAccounts()).filter((a) => a.status !== 'stopped');
    await Promise.all(accounts.map((account) => this.openSession(account)));
  }

  /** Stops every session and sender after writing what was accepted. Idempotent. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all([...this.sessions.values()].map((s) => s.stop()));
    this.sessions.clear();
    await this.inbound.idle();
    await this.outbox.close();
    await this.statuses.drain().catch(() => {}); // failures were logged when they happened
    await this.webhooks.stop(); // last: the stops above publish events it queues
    await this.store.close();
  }

  /** Resolves when every accepted inbound message is handled and every reply is durable. */
  async idle(): Promise<void> {
    await this.inbound.idle();
  }

  /** Entry point for connectors: stores one inbound message; resolves once it is durable. */
  ingest(account: string, message: InboundMessage): Promise<boolean> {
    return this.inbound.ingest(account, message);
  }

  /** The QR code or pairing code an account is waiting on, while it links a device. */
  linking(id: string): { qr?: string; pairingCode?: string } | undefined {
    return this.linkingInfo.get(id);
  }

  /** The live connector of an account (webhook routing); undefined while it is not connected. */
  connector(id: string): Connector | undefined {
    return this.sessions.get(id)?.connector;
  }

  /** The live session of an account (for diagnostics and tests). */
  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  // --- LindaControl -------------------------------------------------------------------------

  async createAccount(input: AccountInput, opts: { start?: boolean } = {}): Promise<Account> {
    this.assertStarted();
    const valid = parse(accountInputSchema, input, 'account');
    if (this.connectors[valid.connector] === undefined) {
      throw new LindaError('CONNECTOR_UNKNOWN', `unknown connector "${valid.connector}"`, {
        known: Object.keys(this.connectors),
      });
    }
    if (valid.config.sendRate !== undefined) parse(sendRateSchema, valid.config.sendRate, 'config.sendRate');
    if (valid.config.recipientRate !== undefined) {
      parse(sendRateSchema, valid.config.recipientRate, 'config.recipientRate');
    }
    const account: Account = {
      id: valid.id,
      name: valid.name ?? valid.id,
      phone: valid.phone,
      connector: valid.connector,
      config: valid.config,
      status: 'created',
      createdAt: Date.now(),
    };
    await this.store.createAccount(account);
    this.accountCache.set(account.id, account);
    if (opts.start !== false) await this.openSession(account);
    return this.getAccount(account.id);
  }

  async listAccounts(): Promise<Account[]> {
    this.assertStarted();
    return (await this.store.listAccounts()).map((a) => this.withLiveStatus(a));
  }

  async getAccount(id: string): Promise<Account> {
    this.assertStarted();
    let account = this.accountCache.get(id);
    if (account === undefined) {
      account = await this.store.getAccount(id);
      if (account === undefined) throw new LindaError('ACCOUNT_NOT_FOUND', `no account "${id}"`, { id });
      this.accountCache.set(id, account);
    }
    return this.withLiveStatus(account);
  }

  async removeAccount(id: string, opts: { purge?: boolean } = {}): Promise<void> {
    await this.getAccount(id);
    await this.closeSession(id);
    await this.store.deleteAccount(id, { purge: opts.purge === true });
    this.accountCache.delete(id);
    this.outbox.forget(id);
    if (this.defaultAccountId === id) {
      this.defaultAccountId = undefined;
      await this.store.setSetting(DEFAULT_ACCOUNT_KEY, undefined);
    }
  }

  async startAccount(id: string): Promise<Account> {
    const account = await this.getAccount(id);
    // A session that is connecting or connected stays; any other (none, failed, logged_out,
    // replaced, auth_failed, unlinked) starts over.
    const status = this.sessions.get(id)?.status;
    if (status !== 'starting' && status !== 'ready') await this.openSession(account);
    return this.getAccount(id);
  }

  async stopAccount(id: string): Promise<Account> {
    await this.getAccount(id);
    await this.closeSession(id);
    await this.store.setAccountStatus(id, 'stopped');
    this.accountCache.delete(id);
    return this.getAccount(id);
  }

  async setDefaultAccount(id: string): Promise<AccountContext> {
    await this.getAccount(id);
    await this.store.setSetting(DEFAULT_ACCOUNT_KEY, id);
    this.defaultAccountId = id;
    return this.use(id);
  }

  async defaultAccount(): Promise<string | undefined> {
    return this.defaultAccountId;
  }

  use(id?: string): AccountContext {
    const account = id ?? this.defaultAccountId;
    if (account === undefined) {
      throw new LindaError(
        'NO_DEFAULT_ACCOUNT',
        'no account given and no default account set (linda accounts use <id>)',
      );
    }
    return createAccountContext(account, this.store, (a, to, text, opts) => this.send(a, to, text, opts));
  }

  /** Queues a text message from `account` to `to`; resolves with the durable outbox row. */
  async send(account: string, to: string, text: string, opts: SendOptions = {}): Promise<OutboxRecord> {
    const valid = parse(sendSchema, { to, text }, 'message');
    await this.getAccount(account);
    return this.outbox.enqueue(account, {
      idempotencyKey: opts.idempotencyKey ?? `api:${newMessageId()}`,
      createdAt: Date.now(),
      message: {
        account,
        id: newMessageId(),
        to: valid.to,
        kind: 'text',
        body: valid.text,
        ...(opts.quotedId === undefined ? {} : { quotedId: opts.quotedId }),
      },
    });
  }

  /**
   * Streams a media payload into the media store (hashing as it goes, never holding it whole)
   * and records its metadata; the returned reference goes into a message's `media`.
   * Throws PAYLOAD_TOO_LARGE past `pipeline.maxMediaBytes`.
   */
  async putMedia(
    source: Parameters<MediaStore['put']>[0] | string,
    opts: { mime: string; fileName?: string },
  ): Promise<MediaRef> {
    const maxBytes = this.options.pipeline?.maxMediaBytes ?? DEFAULTS.pipeline.maxMediaBytes;
    const put = { ...opts, maxBytes };
    const ref =
      typeof source === 'string'
        ? await this.media.putBase64(source, put)
        : await this.media.put(source, put);
    await this.store.saveMedia(ref);
    return ref;
  }

  /** A contact of an account, through the contact cache. */
  async contact(account: string, phone: string): Promise<Contact | undefined> {
    const key = `${account}\n${phone}`;
    const cached = this.contactCache.get(key);
    if (cached !== undefined) return cached;
    const contact = await this.store.getContact(account, phone);
    if (contact !== undefined) this.contactCache.set(key, contact);
    return contact;
  }

  async status(): Promise<EngineStatus> {
    this.assertStarted();
    const accounts = await this.listAccounts();
    const [inCount, outCount, outbox] = await Promise.all([
      this.store.countMessages({ direction: 'in' }),
      this.store.countMessages({ direction: 'out' }),
      this.store.outboxStats(),
    ]);
    const mem = process.memoryUsage();
    return {
      uptimeMs: Date.now() - this.startedAt,
      defaultAccount: this.defaultAccountId,
      accounts: accounts.map((a) => ({
        id: a.id,
        connector: a.connector,
        status: a.status,
        name: a.name,
        phone: a.phone ?? null,
      })),
      messages: { in: inCount, out: outCount },
      outbox,
      caches: {
        accounts: this.accountCache.stats(),
        contacts: this.contactCache.stats(),
        dedupe: this.dedupeCache.stats(),
      },
      memory: { heapUsed: mem.heapUsed, rss: mem.rss },
    };
  }

  // --- observability (read by the server's metrics and live stats) ---------------------------

  counters(): EngineCounters {
    const rateLimitWaits: EngineCounters['rateLimitWaits'] = {};
    for (const [account, w] of this.outbox.rateLimitWaits()) {
      rateLimitWaits[account] = { account: { ...w.account }, recipient: { ...w.recipient } };
    }
    return {
      caches: {
        accounts: this.accountCache.stats(),
        contacts: this.contactCache.stats(),
        dedupe: this.dedupeCache.stats(),
      },
      rateLimitWaits,
    };
  }

  storeHealth(): Promise<StoreHealth> {
    return this.store.health();
  }

  outboxDepth(): Promise<OutboxDepth[]> {
    return this.store.outboxDepth();
  }

  messageCountsSince(since: number): Promise<MessageCounts[]> {
    return this.store.messageCountsSince(since);
  }

  // --- sandbox ------------------------------------------------------------------------------

  async sandboxSay(
    account: string,
    from: string,
    text: string,
    opts: { waitMs?: number } = {},
  ): Promise<SandboxExchange> {
    const valid = parse(
      z.object({ from: e164, text: z.string().min(1).max(MAX_TEXT_LENGTH) }),
      { from, text },
      'sandbox message',
    );
    const acct = await this.getAccount(account);
    if (acct.connector !== 'sandbox' || typeof acct.config.url === 'string') {
      throw new LindaError(
        'VALIDATION_FAILED',
        `account "${account}" is not on the in-process sandbox network`,
      );
    }
    return sandboxExchange(this, account, valid.from, valid.text, Date.now() + (opts.waitMs ?? 2_000));
  }

  // --- internals ----------------------------------------------------------------------------

  private async openSession(account: Account): Promise<void> {
    const factory = this.connectors[account.connector];
    if (factory === undefined) {
      await this.store.setAccountStatus(account.id, 'failed');
      this.logger.error({ account: account.id, connector: account.connector }, 'unknown connector');
      return;
    }
    await this.closeSession(account.id);
    // Recover what a crash left: sends in flight go back to the queue; messages stored but not
    // handled go through the handlers (their replies have deterministic keys, so none doubles).
    await this.store.requeueInflight(account.id);
    for (;;) {
      const pending = await this.store.unhandled(account.id, 1_000);
      for (const message of pending) this.inbound.dispatch(message, account);
      if (pending.length < 1_000) break;
      await this.inbound.idle();
    }
    const session = new Session(
      account,
      factory,
      {
        inbound: async (id, message) => {
          await this.inbound.ingest(id, message);
        },
        status: (id, update) => this.queueStatus(id, update),
        statusChanged: (id, status, error) => this.sessionStatusChanged(id, status, error),
        linking: (id, info) => {
          if (info === undefined) this.linkingInfo.delete(id);
          else this.linkingInfo.set(id, info);
        },
      },
      { ...DEFAULTS.session, ...this.options.session },
      this.logger,
      {
        auth: createAuthStateStore(this.store, account.id, this.options.cipher),
        media: this.media,
        getMessage: (direction, id) => this.store.getMessage(account.id, direction, id),
        logger: this.logger.child({ account: account.id, connector: account.connector }),
      },
    );
    this.sessions.set(account.id, session);
    const rate =
      account.config.sendRate === undefined
        ? (factory.defaultSendRate ?? this.outboxRate)
        : parse(sendRateSchema, account.config.sendRate, 'config.sendRate');
    const recipientRate =
      account.config.recipientRate === undefined
        ? factory.defaultRecipientRate
        : parse(sendRateSchema, account.config.recipientRate, 'config.recipientRate');
    await this.outbox.attach(account.id, (message) => session.send(message), rate, recipientRate);
    await session.start();
  }

  private async closeSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.linkingInfo.delete(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    await this.outbox.detach(id);
    await session.stop();
  }

  private sessionStatusChanged(id: string, status: SessionStatus, error?: string): void {
    this.accountCache.delete(id);
    if (status === 'ready') this.outbox.wake(id);
    if (error !== undefined) this.logger.info({ account: id, status, error }, 'session status');
    this.events.publish('session.status', id, error === undefined ? { status } : { status, error });
    if (status === 'stopped') return; // an explicit stop persists 'stopped' itself; engine.stop() keeps the desired state
    this.store.setAccountStatus(id, status).catch((err: unknown) => {
      this.logger.error({ err, account: id }, 'could not record session status');
    });
  }

  private queueStatus(account: string, update: StatusUpdate): void {
    this.events.publish('message.status', account, { id: update.id, status: update.status });
    this.statuses.add({ account, update }).catch((err: unknown) => {
      this.logger.error({ err, account, id: update.id }, 'could not record a message status');
    });
  }

  private withLiveStatus(account: Account): Account {
    const session = this.sessions.get(account.id);
    return session === undefined ? account : { ...account, status: session.status };
  }

  private assertStarted(): void {
    if (!this.started) throw new LindaError('ENGINE_STOPPED', 'the engine is not running (call start())');
  }
}

/**
 * Creates an engine on `<dataDir>/linda.db` and `<dataDir>/media` (or the given stores).
 * Call `start()` to run it.
 */
export async function createLinda(options: LindaOptions): Promise<Linda> {
  const dataDir = options.dataDir;
  if (dataDir === undefined && (options.store === undefined || options.media === undefined)) {
    throw new LindaError('VALIDATION_FAILED', 'createLinda needs dataDir, or both store and media');
  }
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const store = options.store ?? createSqliteStore({ path: join(dataDir!, 'linda.db') });
  const media = options.media ?? createMediaStore({ dir: join(dataDir!, 'media') });
  return new Linda({ ...options, store, media, cipher: AuthCipher.fromEnvironment(dataDir) });
}
