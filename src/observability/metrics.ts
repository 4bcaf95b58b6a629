import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { SESSION_STATUSES } from '../domain/account.js';
import { MESSAGE_KINDS, MESSAGE_STATUSES } from '../domain/message.js';
import type { LindaEvent } from '../events/bus.js';
import type { LindaControl, LindaObservability } from '../linda-api.js';
import type { OutboxDepth } from '../storage/types.js';

/** `Content-Type` of a `/metrics` answer (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Seconds from acceptance to handled: 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/**
 * Node's own metrics (GC pauses, event-loop lag, heap, CPU, handles), collected once per
 * process: `collectDefaultMetrics` starts a GC observer and an event-loop monitor that are never
 * stopped, so every server shares this one registry instead of starting its own.
 */
export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

type Source = Pick<LindaObservability, 'events' | 'counters' | 'outboxDepth'> &
  Pick<LindaControl, 'listAccounts'>;

/** The engine's Prometheus metrics, per server. */
export interface EngineMetrics {
  readonly registry: Registry;
  /** The exposition text: the engine's metrics, then the process's. */
  render(): Promise<string>;
  /** Removes the bus listeners. Idempotent. */
  close(): void;
}

/**
 * Builds the `linda_*` metrics of one engine: counters fed by the event bus, gauges and
 * engine counters read at scrape time. The engine pays only for building events while a
 * server (and so these listeners) exists.
 * @example
 *   const metrics = createEngineMetrics(linda);
 *   reply.type(METRICS_CONTENT_TYPE).send(await metrics.render());
 */
export function createEngineMetrics(linda: Source): EngineMetrics {
  const registry = new Registry();
  const registers = [registry];

  const messages = new Counter({
    name: 'linda_messages_total',
    help: 'Messages stored inbound (direction="in") and accepted by the network outbound (direction="out").',
    labelNames: ['account', 'direction', 'kind'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'linda_pipeline_latency_seconds',
    help: 'Time from accepting an inbound message to its handlers having run and their replies queued.',
    labelNames: ['account'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const handled = new Counter({
    name: 'linda_messages_handled_total',
    help: 'Inbound messages through the handlers, by outcome (ok, error, flooded).',
    labelNames: ['account', 'outcome'] as const,
    registers,
  });
  const sends = new Counter({
    name: 'linda_sends_total',
    help: 'Send attempts by result: sent, retry (back in the queue), failed (not retryable), dead (out of attempts).',
    labelNames: ['account', 'result'] as const,
    registers,
  });
  const statuses = new Counter({
    name: 'linda_message_statuses_total',
    help: 'Statuses the network reported for outbound messages (delivered, read, failed…).',
    labelNames: ['account', 'status'] as const,
    registers,
  });
  const reconnects = new Counter({
    name: 'linda_reconnects_total',
    help: 'Session reconnects scheduled after a lost or failed connection.',
    labelNames: ['account'] as const,
    registers,
  });

  /** Accounts the event-fed series carry a label for; pruned at scrape time. */
  const seen = new Set<string>();
  const listener = (e: LindaEvent): void => {
    seen.add(e.account);
    switch (e.type) {
      case 'message.received':
        messages.inc({ account: e.account, direction: 'in', kind: e.data.message.kind });
        break;
      case 'message.handled': {
        latency.observe({ account: e.account }, e.data.latencyMs / 1000);
        const outcome = e.data.flooded ? 'flooded' : e.data.error === undefined ? 'ok' : 'error';
        handled.inc({ account: e.account, outcome });
        break;
      }
      case 'message.sent':
        sends.inc({ account: e.account, result: e.data.result });
        if (e.data.result === 'sent')
          messages.inc({ account: e.account, direction: 'out', kind: e.data.kind });
        break;
      case 'message.status':
        statuses.inc({ account: e.account, status: e.data.status });
        break;
      case 'session.status':
        // A session that lost or failed its connection goes back to `starting` with the error.
        if (e.data.status === 'starting' && e.data.error !== undefined)
          reconnects.inc({ account: e.account });
        break;
    }
  };
  const off = (
    ['message.received', 'message.handled', 'message.sent', 'message.status', 'session.status'] as const
  ).map((type) => linda.events.on(type, listener));

  /** Drops every event-fed series of a removed account (the labels are all bounded but `account`). */
  const forget = (account: string): void => {
    seen.delete(account);
    latency.remove({ account });
    reconnects.remove({ account });
    for (const direction of ['in', 'out'])
      for (const kind of MESSAGE_KINDS) messages.remove({ account, direction, kind });
    for (const outcome of ['ok', 'error', 'flooded']) handled.remove({ account, outcome });
    for (const result of ['sent', 'retry', 'failed', 'dead']) sends.remove({ account, result });
    for (const status of MESSAGE_STATUSES) statuses.remove({ account, status });
  };

  // One account list per scrape: the sessions gauge and the pruning of removed accounts.
  let accountList: ReturnType<Source['listAccounts']> | undefined;
  const listAccounts = () => {
    accountList ??= linda.listAccounts();
    return accountList;
  };
  /** Removes the series of accounts seen before this scrape that no longer exist. */
  const pruneRemoved = async (): Promise<void> => {
    // Taken before the list: an account created meanwhile is not in the list but not here either.
    const candidates = [...seen];
    if (candidates.length === 0) return;
    const accounts = await listAccounts().catch(() => undefined);
    if (accounts === undefined) return; // the store is down: prune at a later scrape
    const existing = new Set(accounts.map((a) => a.id));
    for (const account of candidates) if (!existing.has(account)) forget(account);
  };

  // One store query per scrape feeds both outbox gauges.
  // Undefined when the store did not answer: the scrape still reports everything else.
  let depths: Promise<OutboxDepth[] | undefined> | undefined;
  const outboxDepth = () => {
    depths ??= linda.outboxDepth().catch(() => undefined);
    return depths;
  };
  new Gauge({
    name: 'linda_store_up',
    help: 'Whether the store answered this scrape (1) or not (0).',
    registers,
    async collect() {
      this.set((await outboxDepth()) === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: 'linda_outbox_depth',
    help: 'Outbox rows waiting, by state (queued, sending).',
    labelNames: ['account', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      for (const d of (await outboxDepth()) ?? []) {
        this.set({ account: d.account, state: 'queued' }, d.queued);
        this.set({ account: d.account, state: 'sending' }, d.sending);
      }
    },
  });
  new Gauge({
    name: 'linda_outbox_oldest_queued_age_seconds',
    help: 'Age of the oldest queued outbox row (0 when none is queued).',
    labelNames: ['account'] as const,
    registers,
    async collect() {
      this.reset();
      for (const d of (await outboxDepth()) ?? [])
        this.set({ account: d.account }, d.oldestQueuedAgeMs / 1000);
    },
  });
  new Gauge({
    name: 'linda_sessions',
    help: 'Accounts by session status.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      this.reset();
      const counts = new Map<string, number>(SESSION_STATUSES.map((s) => [s, 0]));
      const accounts = await listAccounts().catch(() => undefined);
      if (accounts === undefined) return; // the store is down; linda_store_up says so
      for (const a of accounts) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });

  const counter = (
    name: string,
    help: string,
    labelNames: readonly string[],
    read: (inc: (labels: Record<string, string>, value: number) => void) => void,
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        read((labels, value) => this.inc(labels, value));
      },
    });
  counter('linda_cache_hits_total', 'Cache lookups that hit, per cache.', ['cache'], (inc) => {
    for (const [cache, s] of Object.entries(linda.counters().caches)) inc({ cache }, s.hits);
  });
  counter('linda_cache_misses_total', 'Cache lookups that missed, per cache.', ['cache'], (inc) => {
    for (const [cache, s] of Object.entries(linda.counters().caches)) inc({ cache }, s.misses);
  });
  new Gauge({
    name: 'linda_cache_entries',
    help: 'Entries held, per cache.',
    labelNames: ['cache'] as const,
    registers,
    collect() {
      for (const [cache, s] of Object.entries(linda.counters().caches)) this.set({ cache }, s.size);
    },
  });
  counter(
    'linda_rate_limit_waits_total',
    'Sends that waited for a rate-limit point: the account\'s send rate (limiter="account") or a recipient\'s pair rate (limiter="recipient").',
    ['account', 'limiter'],
    (inc) => {
      for (const [account, w] of Object.entries(linda.counters().rateLimitWaits)) {
        inc({ account, limiter: 'account' }, w.account.waits);
        inc({ account, limiter: 'recipient' }, w.recipient.waits);
      }
    },
  );
  counter(
    'linda_rate_limit_wait_seconds_total',
    'Time sends spent waiting for a rate-limit point.',
    ['account', 'limiter'],
    (inc) => {
      for (const [account, w] of Object.entries(linda.counters().rateLimitWaits)) {
        inc({ account, limiter: 'account' }, w.account.waitedMs / 1000);
        inc({ account, limiter: 'recipient' }, w.recipient.waitedMs / 1000);
      }
    },
  );

  let closed = false;
  return {
    registry,
    async render() {
      depths = undefined;
      accountList = undefined;
      try {
        await pruneRemoved();
        const [own, proc] = await Promise.all([registry.metrics(), processMetrics().metrics()]);
        return own + proc;
      } finally {
        depths = undefined;
        accountList = undefined;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const o of off) o();
    },
  };
}
