import type { Logger } from 'pino';
import { LindaError } from '../domain/errors.js';
import type { EventBus } from '../events/bus.js';
import type { BackoffPolicy } from '../limits/backoff.js';
import type { Store, WebhookDeliveryRecord, WebhookDeliveryState } from '../storage/types.js';
import { WebhookDispatcher } from './dispatcher.js';
import { type SecretSealer, type WebhookInput, WebhookRegistry, type WebhookView } from './registry.js';
import { WebhookWorker, type WebhookWorkerOptions } from './worker.js';

/** Options of the engine's webhooks (`createLinda({ webhooks })`). */
export type WebhookOptions = WebhookWorkerOptions & {
  /** How long finished deliveries are kept: delivered ones after delivery, dead ones after creation. */
  retention: { deliveredMs: number; deadMs: number };
};

const DAY_MS = 24 * 3_600_000;

/**
 * Defaults: 8 requests in flight, 10 s per attempt, 8 attempts over about 20 minutes; delivered
 * rows kept 7 days, dead letters 30 days (for replay).
 */
export const WEBHOOK_DEFAULTS: WebhookOptions = {
  concurrency: 8,
  timeoutMs: 10_000,
  maxAttempts: 8,
  backoff: { baseMs: 10_000, capMs: 3_600_000, jitter: 0.5 } satisfies BackoffPolicy,
  retention: { deliveredMs: 7 * DAY_MS, deadMs: 30 * DAY_MS },
};

/** Retention runs at start and then this often; each pass deletes in batches of `PRUNE_BATCH`. */
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 5_000;

/** A delivery as the API returns it; `payload` (the exact body sent) only from single-row reads. */
export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  account: string;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: number;
  deliveredAt: number | null;
  payload?: unknown;
}

/** The webhook operations the HTTP API and the CLI drive. */
export interface WebhookControl {
  /** Registers a webhook; the result carries its secret, which is never shown again. */
  create(input: WebhookInput): Promise<WebhookView & { secret: string }>;
  list(): Promise<WebhookView[]>;
  /** Throws WEBHOOK_NOT_FOUND. */
  get(id: string): Promise<WebhookView>;
  /** Deletes the webhook and its deliveries (queued ones are never sent). Throws WEBHOOK_NOT_FOUND. */
  remove(id: string): Promise<void>;
  /** Newest first. Throws WEBHOOK_NOT_FOUND. */
  deliveries(
    webhookId: string,
    query: { state?: WebhookDeliveryState; limit: number },
  ): Promise<DeliveryView[]>;
  /** One delivery with its payload. Throws DELIVERY_NOT_FOUND. */
  delivery(id: string): Promise<DeliveryView>;
  /**
   * Sends a dead or delivered delivery again (attempts reset, same event id and body); a queued
   * or sending one is left as it is. Throws DELIVERY_NOT_FOUND.
   */
  replay(id: string): Promise<DeliveryView>;
}

/** What the service needs from the engine. */
export interface WebhookServiceDeps {
  store: Store;
  events: EventBus;
  sealer: SecretSealer;
  logger: Logger;
  /** Throws ACCOUNT_NOT_FOUND for an unknown account. */
  checkAccount: (id: string) => Promise<unknown>;
  options?: Partial<WebhookOptions> | undefined;
}

function deliveryView(d: WebhookDeliveryRecord, withPayload = false): DeliveryView {
  const view: DeliveryView = {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    account: d.account,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastError: d.lastError ?? null,
    lastStatus: d.lastStatus ?? null,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt ?? null,
  };
  if (withPayload) view.payload = JSON.parse(d.payload) as unknown;
  return view;
}

/**
 * Signed, durable outbound webhooks: a registry, a dispatcher that queues one delivery per
 * matching webhook and event in the store, and a worker that delivers them with retries.
 * Lives in the engine (`linda.webhooks`), started and stopped with it.
 *
 * @example
 * const { id, secret } = await linda.webhooks.create({ url: 'https://example.com/hook', events: ['message.received'] });
 */
export class WebhookService implements WebhookControl {
  private readonly registry: WebhookRegistry;
  private readonly dispatcher: WebhookDispatcher;
  private worker: WebhookWorker | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly options: WebhookOptions;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.options = {
      ...WEBHOOK_DEFAULTS,
      ...deps.options,
      backoff: { ...WEBHOOK_DEFAULTS.backoff, ...deps.options?.backoff },
      retention: { ...WEBHOOK_DEFAULTS.retention, ...deps.options?.retention },
    };
    this.registry = new WebhookRegistry(deps.store, deps.sealer, deps.logger, deps.checkAccount);
    this.dispatcher = new WebhookDispatcher(deps.events, this.registry, deps.store, deps.logger, () =>
      this.worker?.wake(),
    );
  }

  /** Loads registrations, requeues what a crash left `sending`, subscribes and starts delivering. */
  async start(): Promise<void> {
    if (this.worker !== undefined) return;
    const requeued = await this.deps.store.requeueWebhookDeliveries();
    if (requeued > 0)
      this.deps.logger.info({ requeued }, 'webhook deliveries in flight at the last stop requeued');
    await this.registry.load();
    this.worker = new WebhookWorker(
      this.deps.store,
      (id) => this.registry.find(id),
      this.options,
      this.deps.logger,
    );
    this.dispatcher.start();
    this.worker.wake();
    const prune = () => {
      this.prune().catch((err: unknown) =>
        this.deps.logger.error({ err }, 'webhook delivery retention failed'),
      );
    };
    prune();
    this.pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  /**
   * Deletes deliveries past their retention (delivered, and dead letters); queued ones are never
   * touched. Runs at start and hourly; returns how many rows went.
   */
  async prune(now = Date.now()): Promise<number> {
    const query = {
      deliveredBefore: now - this.options.retention.deliveredMs,
      deadBefore: now - this.options.retention.deadMs,
      limit: PRUNE_BATCH,
    };
    let total = 0;
    for (;;) {
      const deleted = await this.deps.store.pruneWebhookDeliveries(query);
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }

  /** Unsubscribes, makes every accepted event's deliveries durable, then stops the worker. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    await this.dispatcher.stop();
    await worker.stop();
  }

  async create(input: WebhookInput): Promise<WebhookView & { secret: string }> {
    const created = await this.registry.create(input);
    this.dispatcher.sync();
    return created;
  }

  async list(): Promise<WebhookView[]> {
    return this.registry.list();
  }

  async get(id: string): Promise<WebhookView> {
    return this.registry.get(id).view;
  }

  async remove(id: string): Promise<void> {
    await this.registry.remove(id);
    this.dispatcher.sync();
  }

  async deliveries(
    webhookId: string,
    query: { state?: WebhookDeliveryState; limit: number },
  ): Promise<DeliveryView[]> {
    this.registry.get(webhookId);
    return (await this.deps.store.listWebhookDeliveries(webhookId, query)).map((d) => deliveryView(d));
  }

  async delivery(id: string): Promise<DeliveryView> {
    const row = await this.deps.store.getWebhookDelivery(id);
    if (row === undefined) throw new LindaError('DELIVERY_NOT_FOUND', `no webhook delivery "${id}"`, { id });
    return deliveryView(row, true);
  }

  async replay(id: string): Promise<DeliveryView> {
    const row = await this.deps.store.replayWebhookDelivery(id, Date.now());
    if (row === undefined) throw new LindaError('DELIVERY_NOT_FOUND', `no webhook delivery "${id}"`, { id });
    this.worker?.wake();
    return deliveryView(row);
  }
}
