/**
 * The plan's load tests on the real engine: concurrent inbound messages, many accounts at once,
 * account switching under load, sessions created and torn down in bulk, the outbox under a
 * burst, the HTTP API through a bounded connection pool, and per-account send rates.
 * Scenario sizes and ceilings come from fixtures/load-scenarios.json.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Linda } from '../../src/engine.js';
import { buildServer } from '../../src/server/app.js';
import { eventually, LOAD_OPTIONS } from '../support/engine.js';
import load from './fixtures/load-scenarios.json' with { type: 'json' };
import { activeTimers, contacts, engineFactory, Ledger, percentile, report, since } from './harness.js';

const engine = engineFactory();

/** A bot that does a little async work per message, records per-chat order and replies once. */
function echoBot(linda: Linda, workMs = 0): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  linda.bot.on('text', async (ctx) => {
    if (workMs > 0) await sleep(workMs);
    const key = `${ctx.account.id}|${ctx.chat}`;
    const list = seen.get(key) ?? [];
    list.push(Number(ctx.text?.split(' ')[1]));
    seen.set(key, list);
    await ctx.reply(`re ${ctx.account.id} ${ctx.text}`);
  });
  return seen;
}

/** `n` messages `n 0`, `n 1`, … per chat, interleaved across `senders`. */
function interleaved(senders: readonly string[], perChat: number): Array<{ from: string; input: string }> {
  const items = [];
  for (let n = 0; n < perChat; n++) for (const from of senders) items.push({ from, input: `n ${n}` });
  return items;
}

const inOrder = (count: number) => Array.from({ length: count }, (_, n) => n);

describe('concurrent message handling', () => {
  const { handlerWorkMs, sendLatencyMs, scenarios } = load.concurrency;
  for (const [name, { messages, chats, ceilingMs }] of Object.entries(scenarios)) {
    it(name, async () => {
      const linda = await engine(LOAD_OPTIONS);
      linda.sandbox.configure({ latencyMs: sendLatencyMs });
      const seen = echoBot(linda, handlerWorkMs);
      await linda.createAccount({ id: 'load' });
      const ledger = new Ledger(linda);
      const senders = contacts(chats);
      const items = interleaved(senders, messages / chats);

      const t0 = performance.now();
      // Every message in flight at once, each its own `say` (its own acknowledgement).
      const acked = await Promise.all(items.map((item) => linda.sandbox.say('load', item.from, item.input)));
      await linda.idle();
      const durableMs = since(t0);
      await ledger.allDelivered();
      const totalMs = since(t0);

      report(name, { messages, chats, replies_durable_ms: durableMs, replies_delivered_ms: totalMs });
      expect(totalMs).toBeLessThan(ceilingMs);
      expect(new Set(acked.map((m) => m.id)).size).toBe(messages);
      expect(await linda.store.countMessages({ account: 'load', direction: 'in' })).toBe(messages);
      expect(ledger.handled).toBe(messages);
      for (const from of senders) expect(seen.get(`load|${from}`)).toEqual(inOrder(messages / chats));
      ledger.expectExactlyOnce(messages);
      ledger.close();
    });
  }
});

describe('multi-account stress', () => {
  it('multiAccountActiveLoad', async () => {
    const { accounts, chatsPerAccount, messagesPerChat, ceilingMs } = load.multiAccount;
    const linda = await engine(LOAD_OPTIONS);
    const seen = echoBot(linda);
    const ids = Array.from({ length: accounts }, (_, i) => `multi-${i}`);
    for (const id of ids) await linda.createAccount({ id });
    const ledger = new Ledger(linda);
    const senders = contacts(chatsPerAccount);
    const perAccount = chatsPerAccount * messagesPerChat;
    const total = accounts * perAccount;

    const t0 = performance.now();
    await Promise.all(ids.map((id) => linda.sandbox.sayMany(id, interleaved(senders, messagesPerChat))));
    await linda.idle();
    await ledger.allDelivered(ceilingMs);
    const ms = since(t0);

    report('multiAccountActiveLoad', {
      accounts,
      messages: total,
      ms,
      msg_per_s: Math.round(total / (ms / 1000)),
    });
    expect(ms).toBeLessThan(ceilingMs);
    ledger.expectExactlyOnce(total);
    for (const id of ids) {
      expect(await linda.store.countMessages({ account: id, direction: 'in' })).toBe(perAccount);
      for (const from of senders) expect(seen.get(`${id}|${from}`)).toEqual(inOrder(messagesPerChat));
    }
    // No cross-talk: every reply left from the account that received the message.
    for (const d of ledger.deliveries.values())
      expect(d.body).toMatch(new RegExp(`^re ${d.account} n \\d+$`));
    ledger.close();
  });

  it('rapidContextSwitching', async () => {
    const { accounts, backgroundMessagesPerAccount, backgroundBatch, switches, quantile, ceilingMs } =
      load.contextSwitching;
    const linda = await engine(LOAD_OPTIONS);
    echoBot(linda);
    const ids = Array.from({ length: accounts }, (_, i) => `ctx-${i}`);
    for (const id of ids) await linda.createAccount({ id });
    const ledger = new Ledger(linda);
    const senders = contacts(10);
    const [customer] = contacts(1, 8);
    const sentBy = new Map<string, string>();
    const switchOnce = async (i: number): Promise<number> => {
      const id = ids[i % accounts]!;
      const t0 = performance.now();
      await linda.setDefaultAccount(id);
      const record = await linda.use().send(customer!, `switch ${i}`);
      const ms = since(t0);
      expect(record.message.account).toBe(id);
      sentBy.set(record.message.id, id);
      return ms;
    };

    const idle: number[] = [];
    for (let i = 0; i < switches; i++) idle.push(await switchOnce(i));
    // Inbound load on every account for as long as the switching goes on.
    let switching = true;
    const background = ids.map(async (id) => {
      let sent = 0;
      while (switching && sent < backgroundMessagesPerAccount) {
        await linda.sandbox.sayMany(
          id,
          Array.from({ length: backgroundBatch }, (_, k) => ({
            from: senders[k % senders.length]!,
            input: `bg ${sent + k}`,
          })),
        );
        sent += backgroundBatch;
      }
      return sent;
    });
    const loaded: number[] = [];
    let underLoad = 0;
    for (let i = switches; i < 2 * switches; i++) {
      loaded.push(await switchOnce(i));
      if (linda.sandbox.stats().inbound < accounts * backgroundMessagesPerAccount) underLoad++;
    }
    switching = false;
    const sentPerAccount = await Promise.all(background);
    await linda.idle();
    const backgroundTotal = sentPerAccount.reduce((a, b) => a + b, 0);

    const p = percentile(loaded, quantile);
    report('rapidContextSwitching', {
      switches,
      idle_p50_ms: percentile(idle, 0.5),
      loaded_p50_ms: percentile(loaded, 0.5),
      [`loaded_p${quantile * 100}_ms`]: p,
      switches_under_load: underLoad,
      background_messages: backgroundTotal,
    });
    expect(p).toBeLessThan(ceilingMs);
    expect(underLoad).toBe(switches); // the load outlasted the switching
    await ledger.allDelivered();
    await ledger.sent(sentBy.keys());
    ledger.expectExactlyOnce(backgroundTotal, sentBy);
    for (const [i, id] of ids.entries()) {
      expect(sentPerAccount[i]).toBeGreaterThan(0);
      expect(await linda.store.countMessages({ account: id, direction: 'in' })).toBe(sentPerAccount[i]);
    }
    ledger.close();
  });
});

describe('session management under load', () => {
  it('sessionCreationRate', async () => {
    const { sessions, ceilingMs } = load.sessionCreation;
    const linda = await engine(LOAD_OPTIONS);
    const ledger = new Ledger(linda);
    const ids = Array.from({ length: sessions }, (_, i) => `sess-${i}`);
    const [from] = contacts(1);

    const t0 = performance.now();
    const created = await Promise.all(ids.map((id) => linda.createAccount({ id })));
    const ms = since(t0);

    report('sessionCreationRate', { sessions, ms, sessions_per_s: Math.round(sessions / (ms / 1000)) });
    expect(ms).toBeLessThan(ceilingMs);
    expect(created.map((a) => a.status)).toEqual(ids.map(() => 'ready'));
    expect(linda.sandbox.attachedAccounts().sort()).toEqual([...ids].sort());
    // Every new session works: each answers one message, once.
    await Promise.all(ids.map((id) => linda.sandbox.say(id, from!, '!ping')));
    await linda.idle();
    await ledger.allDelivered();
    ledger.expectExactlyOnce(sessions);
    for (const d of ledger.deliveries.values()) expect(d.body).toBe('pong');
    expect(new Set([...ledger.deliveries.values()].map((d) => d.account)).size).toBe(sessions);
    ledger.close();
  });

  it('sessionCleanupEfficiency', async () => {
    const { sessions, quantile, perSessionCeilingMs, settleMs } = load.sessionCleanup;
    const linda = await engine(LOAD_OPTIONS);
    const ledger = new Ledger(linda);
    const [from] = contacts(1);
    await sleep(settleMs);
    const listenersBefore = linda.sandbox.listenerCount();
    const timersBefore = activeTimers();
    const times: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const id = `clean-${i}`;
      ids.push(id);
      await linda.createAccount({ id });
      await linda.sandbox.say(id, from!, '!ping');
      await linda.idle();
      await ledger.allDelivered();
      const t0 = performance.now();
      await linda.removeAccount(id, { purge: true });
      times.push(since(t0));
    }

    const p = percentile(times, quantile);
    report('sessionCleanupEfficiency', {
      sessions,
      remove_p50_ms: percentile(times, 0.5),
      [`remove_p${quantile * 100}_ms`]: p,
    });
    expect(p).toBeLessThan(perSessionCeilingMs);
    ledger.expectExactlyOnce(sessions);
    // Nothing of the removed sessions is left: no port, listener, sender, row or timer.
    expect(linda.sandbox.listenerCount()).toBe(listenersBefore);
    expect(linda.sandbox.attachedAccounts()).toEqual([]);
    for (const id of ids) expect(linda.session(id)).toBeUndefined();
    expect(await linda.listAccounts()).toEqual([]);
    expect(await linda.store.countMessages({})).toBe(0);
    expect(await linda.store.outboxStats()).toMatchObject({ queued: 0, sending: 0, sent: 0, dead: 0 });
    await sleep(settleMs);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
    ledger.close();
  });
});

describe('queue, connection pool and rate limits', () => {
  it('queueOf100Items', async () => {
    const { items, recipients, ceilingMs } = load.queue;
    const linda = await engine(LOAD_OPTIONS);
    await linda.createAccount({ id: 'queue' });
    const ledger = new Ledger(linda);
    const to = contacts(recipients);
    const account = linda.use('queue');

    const t0 = performance.now();
    const records = await Promise.all(
      Array.from({ length: items }, (_, i) => account.send(to[i % recipients]!, `item ${i}`)),
    );
    const ids = records.map((r) => r.message.id);
    await eventually(() => ids.every((id) => ledger.delivered.has(id)), `${items} items sent`, ceilingMs * 4);
    const ms = since(t0);

    report('queueOf100Items', { items, enqueued_and_sent_ms: ms });
    expect(ms).toBeLessThan(ceilingMs);
    expect(new Set(ids).size).toBe(items);
    for (const id of ids) expect(ledger.delivered.get(id)).toBe(1);
    expect(ledger.delivered.size).toBe(items);
    expect(linda.sandbox.stats().duplicates).toBe(0);
    await eventually(
      async () => (await linda.store.outboxStats('queue')).sent === items,
      'the outbox to record every send',
    );
    expect(await linda.store.outboxStats('queue')).toMatchObject({
      queued: 0,
      sending: 0,
      sent: items,
      dead: 0,
    });
    // Per recipient, the queue keeps the order the items were enqueued in.
    for (const phone of to) {
      const bodies = [...ledger.deliveries.values()].filter((d) => d.to === phone).map((d) => d.body);
      const expected = Array.from({ length: items }, (_, i) => i)
        .filter((i) => i % recipients === to.indexOf(phone))
        .map((i) => `item ${i}`);
      expect(bodies).toEqual(expected);
    }
    ledger.close();
  });

  it('connectionPoolOf10', async () => {
    const { maxSockets, requests, recipients, ceilingMs } = load.connectionPool;
    const linda = await engine(LOAD_OPTIONS);
    await linda.createAccount({ id: 'api' });
    const ledger = new Ledger(linda);
    const apiKey = 'perf-test-key-0123456789abcdef';
    const app = buildServer(linda, { apiKey });
    let serverConnections = 0;
    app.server.on('connection', () => serverConnections++);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets });
    const clientSockets = new Set<unknown>();
    const to = contacts(recipients);
    const post = (i: number) =>
      new Promise<{ status: number; body: { messageId: string } }>((resolve, reject) => {
        const body = JSON.stringify({ to: to[i % recipients], text: `api ${i}` });
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/accounts/api/messages',
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${apiKey}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
            );
            res.on('error', reject);
          },
        );
        req.on('socket', (socket) => clientSockets.add(socket));
        req.on('error', reject);
        req.end(body);
      });

    try {
      const t0 = performance.now();
      const responses = await Promise.all(Array.from({ length: requests }, (_, i) => post(i)));
      const acceptedMs = since(t0);
      const ids = responses.map((r) => r.body.messageId);
      await eventually(() => ids.every((id) => ledger.delivered.has(id)), 'every API message sent');
      const ms = since(t0);

      report('connectionPoolOf10', {
        requests,
        sockets: clientSockets.size,
        server_connections: serverConnections,
        accepted_ms: acceptedMs,
        sent_ms: ms,
      });
      expect(ms).toBeLessThan(ceilingMs);
      expect(responses.map((r) => r.status)).toEqual(responses.map(() => 202));
      expect(clientSockets.size).toBeLessThanOrEqual(maxSockets);
      expect(serverConnections).toBeLessThanOrEqual(maxSockets);
      expect(new Set(ids).size).toBe(requests);
      for (const id of ids) {
        expect(await linda.store.getMessage('api', 'out', id)).toBeDefined();
        expect(ledger.delivered.get(id)).toBe(1);
      }
      expect(await linda.store.countMessages({ account: 'api', direction: 'out' })).toBe(requests);
      expect(linda.sandbox.stats().duplicates).toBe(0);
    } finally {
      agent.destroy();
      await app.close();
      ledger.close();
    }
  });

  /** Offers `factor`× the account's rate at once and records delivery times for `observeWindows` windows. */
  async function offerOverRate(
    linda: Linda,
    account: string,
    rate: { points: number; durationMs: number },
  ): Promise<{ at: number[]; offered: number }> {
    const { offerFactor, observeWindows } = load.rateLimit;
    const at: number[] = [];
    const off = linda.sandbox.onDelivery((d) => {
      if (d.account === account) at.push(d.at);
    });
    const offered = rate.points * offerFactor;
    const [to] = contacts(1);
    await Promise.all(Array.from({ length: offered }, (_, i) => linda.use(account).send(to!, `r ${i}`)));
    await sleep(rate.durationMs * observeWindows);
    off();
    return { at, offered };
  }

  /** The most deliveries in any window of `windowMs` starting at a delivery. */
  function busiestWindow(at: readonly number[], windowMs: number): number {
    let worst = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (j < at.length && at[j]! < at[i]! + windowMs) j++;
      worst = Math.max(worst, j - i);
    }
    return worst;
  }

  it('rateLimitEnforced', async () => {
    const { sendRate, offerFactor, observeWindows, clockToleranceMs } = load.rateLimit;
    const linda = await engine(LOAD_OPTIONS);
    await linda.createAccount({ id: 'limited', config: { sendRate } });
    await linda.createAccount({ id: 'unlimited' });
    const unlimited: string[] = [];
    const offUnlimited = linda.sandbox.onDelivery((d) => {
      if (d.account === 'unlimited') unlimited.push(d.id);
    });
    // The same burst on an account without a configured rate: the limit is per account.
    const burst = sendRate.points * offerFactor;
    const free = Promise.all(
      Array.from({ length: burst }, (_, i) => linda.use('unlimited').send('+15550009999', `u ${i}`)),
    );

    const { at, offered } = await offerOverRate(linda, 'limited', sendRate);
    await free;
    offUnlimited();

    const busiest = busiestWindow(at, sendRate.durationMs - clockToleranceMs);
    const windows = Math.ceil(observeWindows);
    report('rateLimitEnforced', {
      rate: `${sendRate.points}/${sendRate.durationMs}ms`,
      offered,
      sent_in_observation: at.length,
      busiest_window: busiest,
      unlimited_sent: unlimited.length,
    });
    expect(busiest).toBeLessThanOrEqual(sendRate.points);
    // Throttled, not starved: every window of the observation sent its share.
    expect(at.length).toBeGreaterThanOrEqual(Math.floor(observeWindows) * sendRate.points);
    expect(at.length).toBeLessThanOrEqual(windows * sendRate.points);
    expect(unlimited).toHaveLength(burst);
    // Nothing offered is lost: what was not sent yet waits in the outbox.
    const stats = await linda.store.outboxStats('limited');
    expect(stats.sent + stats.queued + stats.sending).toBe(offered);
    expect(stats.dead + stats.failed).toBe(0);
    expect(linda.sandbox.stats().duplicates).toBe(0);
  });

  // Sends go through an exact sliding-window limiter, so a sub-second window holds too.
  it('rateLimitEnforced with a sub-second window', async () => {
    const { subSecondRate, clockToleranceMs } = load.rateLimit;
    const linda = await engine(LOAD_OPTIONS);
    await linda.createAccount({ id: 'limited', config: { sendRate: subSecondRate } });
    const { at } = await offerOverRate(linda, 'limited', subSecondRate);
    const busiest = busiestWindow(at, subSecondRate.durationMs - clockToleranceMs);
    report('rateLimitEnforced(sub-second)', {
      rate: `${subSecondRate.points}/${subSecondRate.durationMs}ms`,
      busiest_window: busiest,
    });
    expect(busiest).toBeLessThanOrEqual(subSecondRate.points);
  });
});
