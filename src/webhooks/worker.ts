import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { GroupCommit } from '../common/group-commit.js';
import { errorMessage } from '../domain/errors.js';
import { type BackoffPolicy, backoffDelay } from '../limits/backoff.js';
import type { Store, WebhookDeliveryOutcome, WebhookDeliveryRecord } from '../storage/types.js';
import type { LiveWebhook } from './registry.js';
import {
  DELIVERY_ID_HEADER,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
} from './signature.js';

/** How deliveries are attempted. */
export interface WebhookWorkerOptions {
  /** Requests in flight at most, over all webhooks. */
  concurrency: number;
  /** Per attempt; an attempt that takes longer counts as failed. */
  timeoutMs: number;
  /** After this many failed attempts a delivery is dead (replayable from the API). */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

/** Sent as `User-Agent` on every delivery. */
export const WEBHOOK_USER_AGENT = 'Linda-Webhooks/1';

/**
 * Delivers queued rows: claims due ones up to the free concurrency, POSTs each signed body, and
 * records outcomes in group commits. 2xx = delivered; anything else (another status, a network
 * error, a timeout, a redirect) is retried with exponential backoff and jitter (a `Retry-After`
 * may lengthen the wait), and dead after `maxAttempts`. Rows stay `sending` until their outcome
 * is durable, so nothing is claimed twice.
 */
export class WebhookWorker {
  private inflight = 0;
  private pumping: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly attempts = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly settles: GroupCommit<WebhookDeliveryOutcome, undefined>;

  constructor(
    private readonly store: Store,
    private readonly webhook: (id: string) => LiveWebhook | undefined,
    private readonly opts: WebhookWorkerOptions,
    private readonly logger: Logger,
  ) {
    // Every attempt in flight listens for the stop; `concurrency` may well be more than 10.
    setMaxListeners(0, this.abort.signal);
    this.settles = new GroupCommit(async (outcomes) => {
      await store.settleWebhookDeliveries(outcomes);
      return new Array<undefined>(outcomes.length);
    });
  }

  /** Asks for a claim round soon; cheap to call often. */
  wake(): void {
    if (this.abort.signal.aborted) return;
    if (this.pumping !== undefined) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      // A wake that came after the last claim (while the round looked for the next due time).
      if (this.again) this.wake();
    });
  }

  /**
   * Stops claiming, aborts requests in flight (they go back to the queue, due now) and waits
   * until every outcome is recorded. Leaves no timer.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pumping;
    await Promise.all(this.attempts);
    await this.settles.drain();
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.again = false;
        const free = this.opts.concurrency - this.inflight;
        if (free <= 0) return; // a finishing attempt wakes us
        const rows = await this.store.claimWebhookDeliveries(free, Date.now());
        for (const row of rows) this.launch(row);
        if (rows.length === free) this.again = true;
      } while (this.again && !this.abort.signal.aborted);
      if (this.abort.signal.aborted) return;
      const due = await this.store.nextWebhookDeliveryDue();
      if (due !== undefined) this.schedule(due);
    } catch (err) {
      this.logger.error({ err }, 'webhook delivery round failed; retrying soon');
      this.schedule(Date.now() + this.opts.backoff.baseMs);
    }
  }

  private launch(row: WebhookDeliveryRecord): void {
    this.inflight++;
    const attempt = this.attempt(row)
      .then((outcome) => this.settles.add(outcome))
      .catch((err: unknown) => {
        // The row stays `sending`; the next start requeues it.
        this.logger.error({ err, delivery: row.id }, 'could not record a webhook delivery outcome');
      })
      .finally(() => {
        this.inflight--;
        this.attempts.delete(attempt);
        this.wake();
      });
    this.attempts.add(attempt);
  }

  private async attempt(row: WebhookDeliveryRecord): Promise<WebhookDeliveryOutcome> {
    // Claimed while stopping: not attempted, back in the queue.
    if (this.abort.signal.aborted) return interrupted(row);
    const hook = this.webhook(row.webhookId);
    // Removed meanwhile: its rows are gone with it, so this outcome updates nothing.
    if (hook === undefined) return { id: row.id, state: 'dead', error: 'webhook removed' };
    if (hook.secret === undefined) {
      return this.failure(row, 'the webhook secret does not decrypt (LINDA_SECRET or secret.key changed?)');
    }
    const controller = new AbortController();
    const onStop = () => controller.abort(new Error('engine stopping'));
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    const timeout = setTimeout(
      () => controller.abort(new Error(`no answer in ${this.opts.timeoutMs} ms`)),
      this.opts.timeoutMs,
    );
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': WEBHOOK_USER_AGENT,
          [SIGNATURE_HEADER]: signWebhook(hook.secret, row.payload),
          [EVENT_ID_HEADER]: row.eventId,
          [EVENT_TYPE_HEADER]: row.eventType,
          [DELIVERY_ID_HEADER]: row.id,
        },
        body: row.payload,
        // A redirect is not followed (the signed body would go somewhere unregistered): it fails.
        redirect: 'manual',
        signal: controller.signal,
      });
      // Free the connection; the receiver's answer body is not used.
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) {
        return { id: row.id, state: 'delivered', status: res.status, deliveredAt: Date.now() };
      }
      return this.failure(
        row,
        `HTTP ${res.status}`,
        res.status,
        retryAfterMs(res.headers.get('retry-after')),
      );
    } catch (err) {
      if (this.abort.signal.aborted) {
        // Not the receiver's fault: back in the queue, due at once after a restart.
        return interrupted(row);
      }
      const reason = controller.signal.aborted
        ? errorMessage(controller.signal.reason)
        : describeFetchError(err);
      return this.failure(row, reason);
    } finally {
      clearTimeout(timeout);
      this.abort.signal.removeEventListener('abort', onStop);
    }
  }

  private failure(
    row: WebhookDeliveryRecord,
    error: string,
    status?: number,
    retryAfter = 0,
  ): WebhookDeliveryOutcome {
    const base = { id: row.id, error, ...(status === undefined ? {} : { status }) };
    if (row.attempts >= this.opts.maxAttempts) {
      this.logger.warn(
        { delivery: row.id, webhook: row.webhookId, attempts: row.attempts, error },
        'webhook delivery dead',
      );
      return { ...base, state: 'dead' };
    }
    const wait = Math.max(
      backoffDelay(this.opts.backoff, row.attempts),
      Math.min(retryAfter, this.opts.backoff.capMs),
    );
    return { ...base, state: 'queued', nextAttemptAt: Date.now() + wait };
  }

  private schedule(at: number): void {
    if (this.abort.signal.aborted) return;
    // Keep an earlier timer; a later one would only delay rows that are due sooner.
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.wake();
      },
      // The store compares against Date.now(); aim just past `at` (timers may fire early).
      Math.max(0, at - Date.now()) + 2,
    );
  }
}

/** The outcome of an attempt cut short (or never made) because the engine stopped. */
function interrupted(row: WebhookDeliveryRecord): WebhookDeliveryOutcome {
  return { id: row.id, state: 'queued', error: 'interrupted: engine stopped', nextAttemptAt: Date.now() };
}

/** `Retry-After` in ms (seconds or an HTTP date); 0 when absent or unreadable. */
function retryAfterMs(value: string | null): number {
  if (value === null) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

/** undici hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return `${errorMessage(err)}: ${cause.code}`;
  if (typeof cause?.message === 'string') return `${errorMessage(err)}: ${cause.message}`;
  return errorMessage(err);
}
