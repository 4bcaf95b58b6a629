import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { GroupCommit } from '../common/group-commit.js';
import type { EventBus, EventType, LindaEvent } from '../events/bus.js';
import type { Store, WebhookDeliveryInput } from '../storage/types.js';
import type { WebhookRegistry } from './registry.js';

/** A delivery id: `dlv_` and 12 random bytes in hex. */
export function newDeliveryId(): string {
  return `dlv_${randomBytes(12).toString('hex')}`;
}

/**
 * Turns bus events into queued deliveries: one row per matching webhook, written in group commits
 * (one transaction per tick) before any attempt is made. Listens only to the types some webhook
 * wants, so with no webhooks the bus builds no event at all.
 */
export class WebhookDispatcher {
  private readonly subscriptions = new Map<EventType, () => void>();
  private readonly commits: GroupCommit<WebhookDeliveryInput, boolean>;
  private running = false;

  constructor(
    private readonly events: EventBus,
    private readonly registry: WebhookRegistry,
    store: Store,
    private readonly logger: Logger,
    /** Called once deliveries are durable: the worker may claim them. */
    private readonly queued: () => void,
  ) {
    this.commits = new GroupCommit((items) => store.enqueueWebhookDeliveries(items));
  }

  /** Starts listening to what the registry wants. */
  start(): void {
    this.running = true;
    this.sync();
  }

  /** Re-reads the registry's wanted types and (un)subscribes accordingly. */
  sync(): void {
    const wanted = this.running ? this.registry.wantedTypes() : new Set<EventType>();
    for (const [type, off] of this.subscriptions) {
      if (wanted.has(type)) continue;
      off();
      this.subscriptions.delete(type);
    }
    for (const type of wanted) {
      if (!this.subscriptions.has(type)) this.subscriptions.set(type, this.events.on(type, this.onEvent));
    }
  }

  /** Stops listening and waits until every accepted event's deliveries are durable. */
  async stop(): Promise<void> {
    this.running = false;
    this.sync();
    await this.commits.drain();
  }

  private readonly onEvent = (event: LindaEvent): void => {
    let payload: string | undefined;
    const pending: Array<Promise<boolean>> = [];
    for (const webhook of this.registry.matching(event.type, event.account)) {
      payload ??= JSON.stringify({
        id: event.id,
        type: event.type,
        at: event.at,
        account: event.account,
        data: event.data,
      });
      pending.push(
        this.commits.add({
          id: newDeliveryId(),
          webhookId: webhook.id,
          eventId: event.id,
          eventType: event.type,
          account: event.account,
          payload,
          createdAt: Date.now(),
        }),
      );
    }
    if (pending.length === 0) return;
    Promise.all(pending).then(
      () => this.queued(),
      (err: unknown) => this.logger.error({ err, event: event.id }, 'could not queue webhook deliveries'),
    );
  };
}
