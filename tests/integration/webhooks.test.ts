import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinda, type Linda } from '../../src/engine.js';
import type { LindaOptions } from '../../src/engine-options.js';
import type { LindaEvent } from '../../src/events/bus.js';
import { buildServer } from '../../src/server/app.js';
import { createSqliteStore } from '../../src/storage/sqlite/index.js';
import { verifyWebhookSignature } from '../../src/webhooks/signature.js';
import { eventually, LOAD_OPTIONS, tempDir } from '../support/engine.js';

const FAST: Partial<LindaOptions> = {
  ...LOAD_OPTIONS,
  // A generous timeout: the receiver shares this process, and on a loaded runner an attempt the
  // receiver has already answered could otherwise time out and be (rightly) sent again.
  webhooks: { maxAttempts: 4, timeoutMs: 30_000, backoff: { baseMs: 5, capMs: 40, jitter: 0.5 } },
};

/**
 * A webhook receiver as a user would write one: checks the signature over the raw body, fails the
 * first `failFirst` attempts of every event with 500, and processes each event id once.
 */
interface Receiver {
  url: string;
  /** Event id → the body it was processed with (first accepted attempt). */
  processed: Map<string, { type: string; account: string; data: Record<string, unknown> }>;
  /** Event ids seen again after they were processed (must stay empty). */
  duplicates: string[];
  /** Requests refused because the signature did not verify. */
  rejected: number;
  /** Attempts per event id, every request counted. */
  attempts: Map<string, number>;
  failFirst: number;
  /** While true every request is held unanswered (to stop the engine mid-delivery). */
  hold: boolean;
  /** Connections open to the receiver now. */
  openSockets(): number;
  close(): Promise<void>;
}

async function startReceiver(secret: () => string, failFirst = 2): Promise<Receiver> {
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const receiver: Receiver = {
    url: '',
    processed: new Map(),
    duplicates: [],
    rejected: 0,
    attempts: new Map(),
    failFirst,
    hold: false,
    openSockets: () => sockets.size,
    close: async () => {
      for (const release of held) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    // An attempt the engine aborts (stopping) may end mid-body: nothing to answer then.
    readBody(req).then(handle, () => res.destroy());
    function handle(raw: Buffer): void {
      if (receiver.hold) {
        held.push(() => res.destroy());
        return;
      }
      const check = verifyWebhookSignature(secret(), req.headers['x-linda-signature'], raw);
      if (!check.ok) {
        receiver.rejected++;
        res.writeHead(400).end(check.reason);
        return;
      }
      const body = JSON.parse(raw.toString('utf8')) as {
        id: string;
        type: string;
        account: string;
        data: Record<string, unknown>;
      };
      expect(req.headers['x-linda-event-id']).toBe(body.id);
      expect(req.headers['x-linda-event-type']).toBe(body.type);
      expect(req.headers['x-linda-delivery-id']).toMatch(/^dlv_/);
      const n = (receiver.attempts.get(body.id) ?? 0) + 1;
      receiver.attempts.set(body.id, n);
      if (n <= receiver.failFirst) {
        res.writeHead(500).end('not yet');
        return;
      }
      if (receiver.processed.has(body.id)) receiver.duplicates.push(body.id);
      else receiver.processed.set(body.id, body);
      res.writeHead(204).end();
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`;
  return receiver;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function engineOn(dir: string, options: Partial<LindaOptions> = FAST): Promise<Linda> {
  const linda = await createLinda({ dataDir: dir, ...options });
  await linda.start();
  cleanup.push(() => linda.stop());
  return linda;
}

async function freshEngine(options?: Partial<LindaOptions>): Promise<Linda> {
  const tmp = tempDir();
  cleanup.push(tmp.remove);
  return engineOn(tmp.dir, options);
}

async function receiver(secret: () => string, failFirst?: number): Promise<Receiver> {
  const r = await startReceiver(secret, failFirst);
  cleanup.push(() => r.close());
  return r;
}

/** Records the ids of every `type` event the engine publishes for `account`. */
function recordEvents(linda: Linda, type: LindaEvent['type'], account: string): Set<string> {
  const ids = new Set<string>();
  linda.events.on(type, (e) => {
    if (e.account === account) ids.add(e.id);
  });
  return ids;
}

const texts = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({
    from: `+1555000${String(1000 + (i % 7))}`,
    input: `${prefix} ${i}`,
  }));

describe('outbound webhooks', () => {
  it('a receiver failing the first two attempts sees every event exactly once by id, signed', async () => {
    const linda = await freshEngine();
    await linda.createAccount({ id: 'shop', connector: 'sandbox' });
    let secret = '';
    const r = await receiver(() => secret, 2);
    const hook = await linda.webhooks.create({ url: r.url, events: ['message.received'], account: 'shop' });
    secret = hook.secret;
    const published = recordEvents(linda, 'message.received', 'shop');

    const sent = await linda.sandbox.sayMany('shop', texts(50, 'hello'));
    // Another account's messages do not match the filter.
    await linda.createAccount({ id: 'other', connector: 'sandbox' });
    await linda.sandbox.sayMany('other', texts(5, 'elsewhere'));
    await eventually(() => r.processed.size >= 50, '50 processed events');
    await linda.idle();

    expect(published.size).toBe(50);
    expect(new Set(r.processed.keys())).toEqual(published);
    expect(r.duplicates).toEqual([]);
    expect(r.rejected).toBe(0);
    expect([...r.attempts.values()].every((n) => n === 3)).toBe(true);
    const bodies = [...r.processed.values()].map((e) => (e.data.message as { body: string }).body).sort();
    expect(bodies).toEqual(sent.map((m) => m.body).sort());
    expect(
      [...r.processed.values()].every((e) => e.type === 'message.received' && e.account === 'shop'),
    ).toBe(true);
    // The receiver answers before the worker records the outcome.
    let delivered: Awaited<ReturnType<typeof linda.webhooks.deliveries>> = [];
    await eventually(async () => {
      delivered = await linda.webhooks.deliveries(hook.id, { state: 'delivered', limit: 200 });
      return delivered.length === 50;
    }, '50 delivered rows');
    expect(delivered.every((d) => d.attempts === 3 && d.lastStatus === 204)).toBe(true);

    // Retention: nothing is due yet; a week and a day later the delivered rows go.
    expect(await linda.webhooks.prune()).toBe(0);
    expect(await linda.webhooks.prune(Date.now() + 8 * 24 * 3_600_000)).toBe(50);
    expect(await linda.webhooks.deliveries(hook.id, { limit: 200 })).toEqual([]);
  });

  it('a receiver checking with the wrong secret accepts nothing; the deliveries end dead', async () => {
    const linda = await freshEngine();
    const r = await receiver(() => 'whsec_not-the-secret-at-all', 0);
    const hook = await linda.webhooks.create({ url: r.url, events: ['session.status'] });
    await linda.createAccount({ id: 'shop', connector: 'sandbox' });
    await linda.stopAccount('shop');
    await eventually(async () => {
      const all = await linda.webhooks.deliveries(hook.id, { limit: 200 });
      return all.length >= 2 && all.every((d) => d.state === 'dead');
    }, 'dead deliveries');
    expect(r.processed.size).toBe(0);
    expect(r.rejected).toBeGreaterThanOrEqual(2 * 4);
    const dead = await linda.webhooks.deliveries(hook.id, { state: 'dead', limit: 200 });
    expect(dead.every((d) => d.attempts === 4 && d.lastStatus === 400 && d.lastError === 'HTTP 400')).toBe(
      true,
    );
  });

  it('dead after maxAttempts when the receiver always fails; replay through the API delivers the same event id', async () => {
    const linda = await freshEngine();
    await linda.createAccount({ id: 'shop', connector: 'sandbox' });
    let secret = '';
    const r = await receiver(() => secret, Number.POSITIVE_INFINITY);
    const app = buildServer(linda, { apiKey: 'k'.repeat(32) });
    cleanup.push(() => app.close());
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${'k'.repeat(32)}` },
        ...(payload ? { payload } : {}),
      });

    const created = await call('POST', '/v1/webhooks', {
      url: r.url,
      events: ['message.received'],
      account: 'shop',
    });
    expect(created.statusCode).toBe(201);
    const hook = created.json() as { id: string; secret: string };
    secret = hook.secret;
    await linda.sandbox.say('shop', '+15550009999', 'will not get through');
    await eventually(async () => {
      const res = await call('GET', `/v1/webhooks/${hook.id}/deliveries?state=dead`);
      return (res.json() as { deliveries: unknown[] }).deliveries.length === 1;
    }, 'a dead delivery');
    const [dead] = (await call('GET', `/v1/webhooks/${hook.id}/deliveries?state=dead`)).json()
      .deliveries as Array<{
      id: string;
      eventId: string;
      attempts: number;
    }>;
    expect(dead!.attempts).toBe(4);
    expect(r.attempts.get(dead!.eventId)).toBe(4);
    expect(r.processed.size).toBe(0);

    r.failFirst = 0; // the receiver is fixed
    const replay = await call('POST', `/v1/webhooks/deliveries/${dead!.id}/replay`);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({
      id: dead!.id,
      eventId: dead!.eventId,
      state: 'queued',
      attempts: 0,
    });
    await eventually(() => r.processed.has(dead!.eventId), 'the replayed event');
    await eventually(
      async () => (await call('GET', `/v1/webhooks/deliveries/${dead!.id}`)).json().state === 'delivered',
      'delivered state',
    );
    const one = (await call('GET', `/v1/webhooks/deliveries/${dead!.id}`)).json();
    expect(one).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 204, eventId: dead!.eventId });
    expect(one.payload).toMatchObject({ id: dead!.eventId, type: 'message.received', account: 'shop' });
    expect([...r.processed.keys()]).toEqual([dead!.eventId]);

    expect((await call('POST', '/v1/webhooks/deliveries/dlv_nope/replay')).json().error.code).toBe(
      'DELIVERY_NOT_FOUND',
    );
  });

  it('a restart mid-delivery loses nothing: stopped attempts and rows a crash left sending are delivered after', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    let secret = '';
    const r = await receiver(() => secret, 0);
    r.hold = true; // every attempt hangs until the engine stops
    const first = await createLinda({ dataDir: tmp.dir, ...FAST });
    await first.start();
    await first.createAccount({ id: 'shop', connector: 'sandbox' });
    const hook = await first.webhooks.create({ url: r.url, events: ['message.received'] });
    secret = hook.secret;
    const published = recordEvents(first, 'message.received', 'shop');
    await first.sandbox.sayMany('shop', texts(20, 'before restart'));
    await eventually(
      async () => (await first.webhooks.deliveries(hook.id, { state: 'sending', limit: 200 })).length > 0,
      'deliveries in flight',
    );
    await first.stop();
    // An attempt the stop cut short may still sit unread in the receiver's socket: let every
    // connection of the first engine close (their requests held, never processed) before the
    // receiver stops holding, or it would process one late and the restart's at-least-once resend
    // would count as a duplicate.
    await new Promise((resolve) => setImmediate(resolve));
    await eventually(() => r.openSockets() === 0, "the first engine's connections to close");
    expect(r.processed.size).toBe(0);

    // As if the process had died mid-attempt: some rows left in `sending`.
    const store = createSqliteStore({ path: `${tmp.dir}/linda.db` });
    await store.init();
    expect((await store.claimWebhookDeliveries(5, Date.now())).length).toBe(5);
    await store.close();

    r.hold = false;
    const second = await engineOn(tmp.dir);
    await eventually(() => r.processed.size >= 20, 'every event after the restart');
    expect(new Set(r.processed.keys())).toEqual(published);
    expect(r.duplicates).toEqual([]);
    await eventually(
      async () =>
        (await second.webhooks.deliveries(hook.id, { state: 'delivered', limit: 200 })).length === 20,
      '20 delivered rows',
    );
  });

  it('events published while the engine stops (each session stopping, replies still being handled) are durable deliveries', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const r = await receiver(() => 'x'.repeat(16));
    r.hold = true; // nothing is delivered: what is queued stays in the store
    const linda = await createLinda({ dataDir: tmp.dir, ...FAST });
    await linda.start();
    await linda.createAccount({ id: 'shop', connector: 'sandbox' });
    await linda.webhooks.create({ url: r.url, events: ['session.status', 'message.sent'] });
    const published = new Set<string>();
    linda.events.on('*', (e) => {
      if (e.type === 'session.status' || e.type === 'message.sent') published.add(e.id);
    });
    // Stored, not yet all handled: their replies are written and attempted while the engine stops.
    await linda.sandbox.sayMany(
      'shop',
      Array.from({ length: 30 }, (_, i) => ({ from: `+1555000${2000 + i}`, input: '!ping' })),
    );
    await linda.stop();
    expect([...published]).not.toEqual([]);

    const store = createSqliteStore({ path: `${tmp.dir}/linda.db` });
    await store.init();
    try {
      const [hook] = await store.listWebhooks();
      const queued = await store.listWebhookDeliveries(hook!.id, { limit: 1000 });
      expect(new Set(queued.map((d) => d.eventId))).toEqual(published);
      // The session's own stop is among them.
      const stopped = queued.filter(
        (d) => d.eventType === 'session.status' && JSON.parse(d.payload).data.status === 'stopped',
      );
      expect(stopped.map((d) => d.account)).toEqual(['shop']);
    } finally {
      await store.close();
    }
  });

  it('stop leaves no listener or timer behind, and no webhooks means no bus listener at all', async () => {
    const linda = await freshEngine();
    expect(linda.events.listenerCount()).toBe(0);
    const r = await receiver(() => 'x'.repeat(16));
    const a = await linda.webhooks.create({ url: r.url, events: ['*'] });
    expect(linda.events.listenerCount()).toBeGreaterThan(0);
    expect(linda.events.wants('message.received')).toBe(true);
    await linda.webhooks.remove(a.id);
    expect(linda.events.listenerCount()).toBe(0);
    await linda.webhooks.create({ url: r.url, events: ['session.status'] });
    expect(linda.events.wants('message.received')).toBe(false);
    await linda.stop();
    expect(linda.events.listenerCount()).toBe(0);
  });
});
