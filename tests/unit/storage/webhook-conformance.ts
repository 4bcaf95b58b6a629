import { describe, expect, it } from 'vitest';
import type { Store, WebhookDeliveryInput, WebhookRecord } from '../../../src/storage/types.js';

/** A webhook record with defaults. */
export function webhook(id: string, over: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id,
    url: `https://example.test/${id}`,
    events: ['message.received'],
    account: undefined,
    secret: Buffer.from([1, 2, 3, 0, 255]),
    enabled: true,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** A delivery of event `eventId` to `webhookId`, due at `createdAt`. */
export function delivery(
  id: string,
  webhookId: string,
  eventId: string,
  createdAt = 1_700_000_000_000,
): WebhookDeliveryInput {
  return {
    id,
    webhookId,
    eventId,
    eventType: 'message.received',
    account: 'acme',
    payload: JSON.stringify({ id: eventId, type: 'message.received' }),
    createdAt,
  };
}

/**
 * The webhook part of the Store contract; called inside `describeStoreConformance`, so every
 * adapter runs it. `store` returns the current test's initialised store.
 */
export function describeWebhookConformance(store: () => Store): void {
  describe('webhooks', () => {
    it('creates, reads, lists and deletes registrations; the sealed secret round-trips as bytes', async () => {
      const s = store();
      await s.createWebhook(webhook('wh_a', { events: ['*'], account: 'acme' }));
      await s.createWebhook(webhook('wh_b', { createdAt: 1_700_000_000_001, enabled: false }));
      expect(await s.getWebhook('wh_a')).toEqual(webhook('wh_a', { events: ['*'], account: 'acme' }));
      expect((await s.getWebhook('wh_b'))?.account).toBeUndefined();
      expect((await s.getWebhook('wh_b'))?.enabled).toBe(false);
      expect(await s.getWebhook('wh_x')).toBeUndefined();
      expect((await s.listWebhooks()).map((w) => w.id)).toEqual(['wh_a', 'wh_b']);
      expect(await s.deleteWebhook('wh_a')).toBe(true);
      expect(await s.deleteWebhook('wh_a')).toBe(false);
      expect((await s.listWebhooks()).map((w) => w.id)).toEqual(['wh_b']);
    });

    it('queues each (webhook, event) once, and nothing for an unknown webhook', async () => {
      const s = store();
      await s.createWebhook(webhook('wh_a'));
      await s.createWebhook(webhook('wh_b'));
      const inserted = await s.enqueueWebhookDeliveries([
        delivery('d1', 'wh_a', 'evt_1'),
        delivery('d2', 'wh_b', 'evt_1'),
        delivery('d3', 'wh_a', 'evt_1'), // same event, same webhook: skipped
        delivery('d4', 'wh_gone', 'evt_1'),
      ]);
      expect(inserted).toEqual([true, true, false, false]);
      expect(await s.enqueueWebhookDeliveries([delivery('d5', 'wh_a', 'evt_1')])).toEqual([false]);
      expect(await s.getWebhookDelivery('d3')).toBeUndefined();
      expect(await s.getWebhookDelivery('d1')).toEqual({
        ...delivery('d1', 'wh_a', 'evt_1'),
        state: 'queued',
        attempts: 0,
        nextAttemptAt: 1_700_000_000_000,
        lastError: undefined,
        lastStatus: undefined,
        deliveredAt: undefined,
      });
    });

    it('claims due rows once, oldest first, counting attempts; settles; requeues what was sending', async () => {
      const s = store();
      await s.createWebhook(webhook('wh_a'));
      await s.enqueueWebhookDeliveries([
        delivery('d2', 'wh_a', 'evt_2', 2_000),
        delivery('d1', 'wh_a', 'evt_1', 1_000),
        delivery('d3', 'wh_a', 'evt_3', 9_000),
      ]);
      expect(await s.nextWebhookDeliveryDue()).toBe(1_000);
      const claimed = await s.claimWebhookDeliveries(10, 5_000);
      expect(claimed.map((d) => [d.id, d.state, d.attempts])).toEqual([
        ['d1', 'sending', 1],
        ['d2', 'sending', 1],
      ]);
      expect(await s.claimWebhookDeliveries(10, 5_000)).toEqual([]);
      expect(await s.nextWebhookDeliveryDue()).toBe(9_000);

      await s.settleWebhookDeliveries([
        { id: 'd1', state: 'delivered', status: 204, deliveredAt: 5_001 },
        { id: 'd2', state: 'queued', status: 500, error: 'HTTP 500', nextAttemptAt: 6_000 },
      ]);
      expect(await s.getWebhookDelivery('d1')).toMatchObject({
        state: 'delivered',
        lastStatus: 204,
        deliveredAt: 5_001,
        lastError: undefined,
      });
      expect(await s.getWebhookDelivery('d2')).toMatchObject({
        state: 'queued',
        attempts: 1,
        lastStatus: 500,
        lastError: 'HTTP 500',
        nextAttemptAt: 6_000,
      });
      expect(await s.nextWebhookDeliveryDue()).toBe(6_000);

      const again = await s.claimWebhookDeliveries(1, 10_000);
      expect(again.map((d) => [d.id, d.attempts])).toEqual([['d2', 2]]);
      expect(await s.requeueWebhookDeliveries()).toBe(1);
      expect(await s.requeueWebhookDeliveries()).toBe(0);
      expect(await s.getWebhookDelivery('d2')).toMatchObject({ state: 'queued', attempts: 2 });
      expect(await s.claimWebhookDeliveries(0, 10_000)).toEqual([]);
    });

    it('lists deliveries newest first by state, replays dead and delivered ones, and deletes them with the webhook', async () => {
      const s = store();
      await s.createWebhook(webhook('wh_a'));
      await s.createWebhook(webhook('wh_b'));
      await s.enqueueWebhookDeliveries([
        delivery('d1', 'wh_a', 'evt_1'),
        delivery('d2', 'wh_a', 'evt_2'),
        delivery('d3', 'wh_a', 'evt_3'),
        delivery('b1', 'wh_b', 'evt_1'),
      ]);
      await s.claimWebhookDeliveries(10, Date.now());
      await s.settleWebhookDeliveries([
        { id: 'd1', state: 'dead', error: 'timeout' },
        { id: 'd2', state: 'delivered', status: 200, deliveredAt: 5 },
        { id: 'd3', state: 'dead', error: 'HTTP 410', status: 410 },
      ]);
      const ids = async (state?: 'dead' | 'queued' | 'delivered' | 'sending', limit = 10) =>
        (await s.listWebhookDeliveries('wh_a', state === undefined ? { limit } : { state, limit })).map(
          (d) => d.id,
        );
      expect(await ids()).toEqual(['d3', 'd2', 'd1']);
      expect(await ids(undefined, 2)).toEqual(['d3', 'd2']);
      expect(await ids('dead')).toEqual(['d3', 'd1']);
      expect(await ids('queued')).toEqual([]);

      const replayed = await s.replayWebhookDelivery('d1', 42);
      expect(replayed).toMatchObject({
        id: 'd1',
        eventId: 'evt_1',
        state: 'queued',
        attempts: 0,
        nextAttemptAt: 42,
      });
      expect(await s.replayWebhookDelivery('d2', 43)).toMatchObject({
        state: 'queued',
        attempts: 0,
        deliveredAt: undefined,
      });
      // Sending (b1) is left alone; unknown ids are undefined.
      expect(await s.replayWebhookDelivery('b1', 44)).toMatchObject({ state: 'sending', attempts: 1 });
      expect(await s.replayWebhookDelivery('nope', 44)).toBeUndefined();
      expect(await ids('queued')).toEqual(['d2', 'd1']);

      expect(await s.deleteWebhook('wh_a')).toBe(true);
      expect(await s.getWebhookDelivery('d1')).toBeUndefined();
      expect(await s.listWebhookDeliveries('wh_a', { limit: 10 })).toEqual([]);
      expect(await s.getWebhookDelivery('b1')).toBeDefined();
    });

    it('prunes delivered and dead rows past their retention, in batches, never queued or sending ones', async () => {
      const s = store();
      await s.createWebhook(webhook('wh_a'));
      await s.enqueueWebhookDeliveries([
        delivery('old-ok', 'wh_a', 'evt_1', 100),
        delivery('new-ok', 'wh_a', 'evt_2', 100),
        delivery('old-dead', 'wh_a', 'evt_3', 100),
        delivery('new-dead', 'wh_a', 'evt_4', 5_000),
        delivery('old-queued', 'wh_a', 'evt_5', 100),
        delivery('old-sending', 'wh_a', 'evt_6', 100),
      ]);
      await s.claimWebhookDeliveries(10, 5_000);
      await s.settleWebhookDeliveries([
        { id: 'old-ok', state: 'delivered', status: 200, deliveredAt: 1_000 },
        { id: 'new-ok', state: 'delivered', status: 200, deliveredAt: 3_000 },
        { id: 'old-dead', state: 'dead', status: 500, error: 'HTTP 500' },
        { id: 'new-dead', state: 'dead', status: 500, error: 'HTTP 500' },
        { id: 'old-queued', state: 'queued', status: 500, error: 'HTTP 500', nextAttemptAt: 9_000 },
      ]);
      const query = { deliveredBefore: 2_000, deadBefore: 2_000 };
      expect(await s.pruneWebhookDeliveries({ ...query, limit: 1 })).toBe(1);
      expect(await s.pruneWebhookDeliveries({ ...query, limit: 10 })).toBe(1);
      expect(await s.pruneWebhookDeliveries({ ...query, limit: 10 })).toBe(0);
      const left = await s.listWebhookDeliveries('wh_a', { limit: 10 });
      expect(left.map((d) => d.id).sort()).toEqual(['new-dead', 'new-ok', 'old-queued', 'old-sending']);
    });
  });
}
