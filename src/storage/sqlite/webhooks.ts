import type {
  WebhookDeliveryInput,
  WebhookDeliveryOutcome,
  WebhookDeliveryRecord,
  WebhookDeliveryState,
  WebhookRecord,
} from '../types.js';
import type { SqliteDb, Statement } from './database.js';

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  account: string | null;
  secret: Buffer;
  enabled: number;
  created_at: number;
}

interface DeliveryRow {
  seq: number;
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  account: string;
  payload: string;
  state: WebhookDeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  delivered_at: number | null;
}

function rowToWebhook(r: WebhookRow): WebhookRecord {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    account: r.account ?? undefined,
    secret: r.secret,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
  };
}

function rowToDelivery(r: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    account: r.account,
    payload: r.payload,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error ?? undefined,
    lastStatus: r.last_status ?? undefined,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at ?? undefined,
  };
}

/** Webhook registrations and their durable delivery queue. */
export function createWebhookTables(db: SqliteDb) {
  const insertWebhook = db.prepare(
    `INSERT INTO webhooks (id, url, events, account, secret, enabled, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const webhookById = db.prepare('SELECT * FROM webhooks WHERE id = ?');
  const allWebhooks = db.prepare('SELECT * FROM webhooks ORDER BY created_at, id');
  const deleteWebhook = db.prepare('DELETE FROM webhooks WHERE id = ?');
  // A delivery for a webhook deleted meanwhile inserts nothing (the SELECT finds no webhook).
  const insertDelivery = db
    .prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, account, payload, state,
         attempts, next_attempt_at, created_at)
       SELECT ?, id, ?, ?, ?, ?, 'queued', 0, ?, ? FROM webhooks WHERE id = ?
       ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING seq`,
    )
    .pluck();
  const claim = db.prepare(
    `UPDATE webhook_deliveries SET state = 'sending', attempts = attempts + 1
     WHERE seq IN (SELECT seq FROM webhook_deliveries WHERE state = 'queued' AND next_attempt_at <= ?
                   ORDER BY next_attempt_at, seq LIMIT ?)
     RETURNING *`,
  );
  const settle = db.prepare(
    `UPDATE webhook_deliveries SET state = ?, last_error = ?, last_status = ?,
       next_attempt_at = coalesce(?, next_attempt_at), delivered_at = coalesce(?, delivered_at)
     WHERE id = ?`,
  );
  const requeue = db.prepare("UPDATE webhook_deliveries SET state = 'queued' WHERE state = 'sending'");
  const nextDue = db
    .prepare("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'queued'")
    .pluck();
  const deliveryById = db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?');
  const byWebhook = db.prepare(
    'SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?',
  );
  const byWebhookState = db.prepare(
    'SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND state = ? ORDER BY seq DESC LIMIT ?',
  );
  const replay = db.prepare(
    `UPDATE webhook_deliveries SET state = 'queued', attempts = 0, next_attempt_at = ?, delivered_at = NULL
     WHERE id = ? AND state IN ('dead', 'delivered')`,
  );

  const prune = db.prepare(
    `DELETE FROM webhook_deliveries WHERE seq IN (
       SELECT seq FROM webhook_deliveries
       WHERE (state = 'delivered' AND delivered_at < ?) OR (state = 'dead' AND created_at < ?)
       LIMIT ?)`,
  );

  const enqueueAll = db.transaction((items: WebhookDeliveryInput[]): boolean[] =>
    items.map(
      (d) =>
        insertDelivery.get(
          d.id,
          d.eventId,
          d.eventType,
          d.account,
          d.payload,
          d.createdAt,
          d.createdAt,
          d.webhookId,
        ) !== undefined,
    ),
  );
  const claimDue = db.transaction((limit: number, now: number): WebhookDeliveryRecord[] => {
    const rows = claim.all(now, limit) as DeliveryRow[];
    rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.seq - b.seq);
    return rows.map(rowToDelivery);
  });
  const settleAll = db.transaction((outcomes: WebhookDeliveryOutcome[]) => {
    for (const o of outcomes) {
      settle.run(
        o.state,
        o.error ?? null,
        o.status ?? null,
        o.nextAttemptAt ?? null,
        o.deliveredAt ?? null,
        o.id,
      );
    }
  });
  const replayOne = db.transaction((id: string, now: number): WebhookDeliveryRecord | undefined => {
    replay.run(now, id);
    const row = deliveryById.get(id) as DeliveryRow | undefined;
    return row && rowToDelivery(row);
  });

  function list(stmt: Statement, ...args: unknown[]): WebhookDeliveryRecord[] {
    return (stmt.all(...args) as DeliveryRow[]).map(rowToDelivery);
  }

  return {
    create(w: WebhookRecord): void {
      insertWebhook.run(
        w.id,
        w.url,
        JSON.stringify(w.events),
        w.account ?? null,
        w.secret,
        w.enabled ? 1 : 0,
        w.createdAt,
      );
    },
    get(id: string): WebhookRecord | undefined {
      const row = webhookById.get(id) as WebhookRow | undefined;
      return row && rowToWebhook(row);
    },
    list: (): WebhookRecord[] => (allWebhooks.all() as WebhookRow[]).map(rowToWebhook),
    /** Its deliveries go with it (ON DELETE CASCADE). */
    remove: (id: string): boolean => deleteWebhook.run(id).changes > 0,
    enqueue: (items: WebhookDeliveryInput[]): boolean[] => (items.length === 0 ? [] : enqueueAll(items)),
    claim(limit: number, now: number): WebhookDeliveryRecord[] {
      return limit <= 0 ? [] : claimDue(Math.floor(limit), now);
    },
    settle(outcomes: WebhookDeliveryOutcome[]): void {
      if (outcomes.length > 0) settleAll(outcomes);
    },
    requeueInflight: (): number => requeue.run().changes,
    nextDue: (): number | undefined => (nextDue.get() as number | null) ?? undefined,
    getDelivery(id: string): WebhookDeliveryRecord | undefined {
      const row = deliveryById.get(id) as DeliveryRow | undefined;
      return row && rowToDelivery(row);
    },
    listDeliveries(webhookId: string, query: { state?: WebhookDeliveryState; limit: number }) {
      const limit = Math.max(0, Math.floor(query.limit));
      return query.state === undefined
        ? list(byWebhook, webhookId, limit)
        : list(byWebhookState, webhookId, query.state, limit);
    },
    replay: (id: string, now: number): WebhookDeliveryRecord | undefined => replayOne(id, now),
    prune: (q: { deliveredBefore: number; deadBefore: number; limit: number }): number =>
      prune.run(q.deliveredBefore, q.deadBefore, Math.max(0, Math.floor(q.limit))).changes,
  };
}

/** The tables `createWebhookTables` builds. */
export type WebhookTables = ReturnType<typeof createWebhookTables>;
