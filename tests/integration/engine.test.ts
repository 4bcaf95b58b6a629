import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineError } from '../../src/domain/errors.js';
import { createLinda, type Linda } from '../../src/engine.js';
import { eventually, LOAD_OPTIONS, startEngine, tempDir } from '../support/engine.js';

const FROM = '+15550001111';
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function engine(options: Parameters<typeof startEngine>[0] = {}): Promise<Linda> {
  const e = await startEngine(options);
  cleanup.push(e.close);
  return e.linda;
}

describe('built-in commands through the sandbox', () => {
  it('!ping answers pong, !help lists commands, and both sides are in the history', async () => {
    const linda = await engine({ demo: true });
    const ping = await linda.sandboxSay('demo', FROM, '!ping');
    expect(ping.replies.map((r) => r.body)).toEqual(['pong']);
    const help = await linda.sandboxSay('demo', FROM, '!help');
    expect(help.replies[0]?.body).toContain('!ping');
    const page = await linda.use('demo').history(FROM);
    expect(page.messages.map((m) => [m.direction, m.body])).toEqual([
      ['out', help.replies[0]?.body],
      ['in', '!help'],
      ['out', 'pong'],
      ['in', '!ping'],
    ]);
  });
});

describe('dedupe', () => {
  it('drops a redelivery of the same (account, id) but keeps equal content under another id or account', async () => {
    const linda = await engine();
    let handled = 0;
    linda.bot.use(() => void handled++);
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    await linda.createAccount({ id: 'b', connector: 'sandbox' });
    const msg = { id: 'WA1', chat: FROM, sender: FROM, kind: 'text' as const, body: 'same', timestamp: 1 };
    expect(await linda.ingest('a', msg)).toBe(true);
    expect(await linda.ingest('a', msg)).toBe(false);
    // Redelivered concurrently, before the first copy is committed.
    const both = await Promise.all([
      linda.ingest('a', { ...msg, id: 'WA2' }),
      linda.ingest('a', { ...msg, id: 'WA2' }),
    ]);
    expect(both.sort()).toEqual([false, true]);
    expect(await linda.ingest('b', msg)).toBe(true);
    expect(await linda.ingest('a', { ...msg, id: 'WA3' })).toBe(true);
    await linda.idle();
    expect(handled).toBe(4);
    expect(await linda.store.countMessages({ account: 'a' })).toBe(3);
    const stats = (await linda.status()).caches.dedupe!;
    expect(stats.hits).toBeGreaterThanOrEqual(1);
  });

  it('a redelivery after a restart is still dropped (the store key backs the cache)', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const msg = { id: 'WA9', chat: FROM, sender: FROM, kind: 'text' as const, body: 'x', timestamp: 1 };
    const first = await createLinda({ dataDir: tmp.dir });
    await first.start();
    await first.createAccount({ id: 'a', connector: 'sandbox' });
    expect(await first.ingest('a', msg)).toBe(true);
    await first.stop();
    const second = await createLinda({ dataDir: tmp.dir });
    await second.start();
    cleanup.push(() => second.stop());
    expect(await second.ingest('a', msg)).toBe(false);
  });
});

describe('inbound flood limit', () => {
  it('stores every message, skips handlers over the limit and sends one notice per window', async () => {
    const linda = await engine({
      pipeline: { flood: { points: 3, durationMs: 60_000 }, floodNotice: 'slow down' },
    });
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    const seen: string[] = [];
    linda.bot.on('text', (ctx) => void seen.push(ctx.text ?? ''));
    for (let i = 0; i < 6; i++) await linda.sandbox.say('a', FROM, `m${i}`);
    await linda.sandbox.say('a', '+15550002222', 'other sender');
    await linda.idle();
    expect(seen).toEqual(['m0', 'm1', 'm2', 'other sender']);
    expect(await linda.store.countMessages({ account: 'a', direction: 'in' })).toBe(7);
    await eventually(() => linda.sandbox.deliveries({ account: 'a' }).length === 1, 'the notice');
    expect(linda.sandbox.deliveries({ account: 'a' }).map((d) => [d.to, d.body])).toEqual([
      [FROM, 'slow down'],
    ]);
  });
});

describe('handler errors', () => {
  it('mark that message failed, reach engine.catch, and do not stop the pipeline', async () => {
    const linda = await engine();
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    const errors: PipelineError[] = [];
    linda.catch((e) => errors.push(e));
    linda.bot.hears('boom', () => {
      throw new Error('handler exploded');
    });
    linda.bot.on('text', (ctx) => ctx.reply(`ok ${ctx.text}`));
    const bad = await linda.sandbox.say('a', FROM, 'boom');
    await linda.sandbox.say('a', FROM, 'fine');
    await linda.idle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ account: 'a', messageId: bad.id });
    expect((await linda.store.getMessage('a', 'in', bad.id))?.status).toBe('failed');
    await eventually(() => linda.sandbox.deliveries({ account: 'a' }).length === 1, 'the reply to "fine"');
    expect(linda.sandbox.deliveries({ account: 'a' })[0]?.body).toBe('ok fine');
  });
});

describe('outbox', () => {
  it('retries failed sends with backoff and delivers once the network recovers; receipts update statuses', async () => {
    const linda = await engine({ ...LOAD_OPTIONS, outbox: { ...LOAD_OPTIONS.outbox, maxAttempts: 20 } });
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    linda.sandbox.configure({ failureRate: 1, receipts: 'read' });
    const record = await linda.use('a').send(FROM, 'hello');
    expect(record.state).toBe('queued');
    await eventually(
      async () => ((await linda.store.getOutbound(record.seq))?.attempts ?? 0) >= 3,
      'three attempts',
    );
    expect(linda.sandbox.deliveries()).toHaveLength(0);
    linda.sandbox.configure({ failureRate: 0 });
    await eventually(() => linda.sandbox.deliveries().length === 1, 'the delivery');
    await eventually(
      async () => (await linda.store.getMessage('a', 'out', record.message.id))?.status === 'read',
      'the read receipt',
    );
    expect((await linda.store.getOutbound(record.seq))?.state).toBe('sent');
    expect(linda.sandbox.stats().failedSends).toBeGreaterThanOrEqual(3);
  });

  it('dead-letters a message after maxAttempts and marks it failed', async () => {
    const linda = await engine({ ...LOAD_OPTIONS, outbox: { ...LOAD_OPTIONS.outbox, maxAttempts: 3 } });
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    linda.sandbox.configure({ failureRate: 1 });
    const record = await linda.use('a').send(FROM, 'doomed');
    await eventually(
      async () => (await linda.store.getOutbound(record.seq))?.state === 'dead',
      'the dead letter',
    );
    const row = await linda.store.getOutbound(record.seq);
    expect(row?.attempts).toBe(3);
    expect(row?.lastError).toMatch(/./);
    expect((await linda.store.getMessage('a', 'out', record.message.id))?.status).toBe('failed');
  });

  it('an idempotency key returns the first row instead of sending twice', async () => {
    const linda = await engine();
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    const one = await linda.use('a').send(FROM, 'once', { idempotencyKey: 'order-42' });
    const two = await linda.use('a').send(FROM, 'once', { idempotencyKey: 'order-42' });
    expect(two.seq).toBe(one.seq);
    await eventually(() => linda.sandbox.deliveries().length === 1, 'the delivery');
    await new Promise((r) => setTimeout(r, 50));
    expect(linda.sandbox.deliveries()).toHaveLength(1);
  });

  it('rejects bad sends with VALIDATION_FAILED and stores nothing', async () => {
    const linda = await engine();
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    await expect(linda.use('a').send('12345', 'x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(linda.use('a').send(FROM, '')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(linda.use('a').send(FROM, 'x'.repeat(65_537))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(linda.use('nope').send(FROM, 'x')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    expect(await linda.store.countMessages({})).toBe(0);
    expect((await linda.store.outboxStats()).queued).toBe(0);
  });
});

describe('inbound validation', () => {
  it('rejects oversize media with PAYLOAD_TOO_LARGE and malformed messages with VALIDATION_FAILED, storing nothing', async () => {
    const linda = await engine({ pipeline: { maxMediaBytes: 1_000 } });
    await linda.createAccount({ id: 'a', connector: 'sandbox' });
    const media = { sha256: 'a'.repeat(64), size: 1_001, mime: 'image/jpeg' };
    await expect(
      linda.ingest('a', { id: 'M1', chat: FROM, sender: FROM, kind: 'image', media, timestamp: 1 }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      linda.ingest('a', {
        id: 'M2',
        chat: FROM,
        sender: FROM,
        kind: 'text',
        body: 'x'.repeat(65_537),
        timestamp: 1,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      linda.ingest('a', { id: '', chat: FROM, sender: FROM, kind: 'text', body: 'x', timestamp: 1 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      linda.ingest('ghost', { id: 'M3', chat: FROM, sender: FROM, kind: 'text', body: 'x', timestamp: 1 }),
    ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    expect(await linda.store.countMessages({})).toBe(0);
  });
});

describe('accounts', () => {
  it('create, list, get, switch, remove (keeping or purging messages)', async () => {
    const linda = await engine();
    const created = await linda.createAccount({ id: 'sales', name: 'Sales', phone: '+15557654321' });
    expect(created).toMatchObject({ id: 'sales', name: 'Sales', connector: 'sandbox', status: 'ready' });
    await expect(linda.createAccount({ id: 'sales' })).rejects.toMatchObject({ code: 'ACCOUNT_EXISTS' });
    await expect(linda.createAccount({ id: 'Bad Id!' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(linda.createAccount({ id: 'x', connector: 'telegram' })).rejects.toMatchObject({
      code: 'CONNECTOR_UNKNOWN',
    });
    await expect(linda.createAccount({ id: 'y', phone: '555' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await linda.createAccount({ id: 'support' });
    expect((await linda.listAccounts()).map((a) => a.id).sort()).toEqual(['sales', 'support']);

    expect(() => linda.use()).toThrow(expect.objectContaining({ code: 'NO_DEFAULT_ACCOUNT' }));
    await linda.setDefaultAccount('support');
    expect(linda.use().account).toBe('support');
    await expect(linda.setDefaultAccount('nope')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });

    await linda.sandbox.say('sales', FROM, 'keep me');
    await linda.sandbox.say('support', FROM, 'purge me');
    await linda.idle();
    await linda.removeAccount('sales');
    await linda.removeAccount('support', { purge: true });
    await expect(linda.getAccount('sales')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    expect(await linda.store.countMessages({ account: 'sales' })).toBe(1);
    expect(await linda.store.countMessages({ account: 'support' })).toBe(0);
    expect(await linda.defaultAccount()).toBeUndefined();
    expect(linda.sandbox.attachedAccounts()).toEqual([]);
  });

  it('restores sessions on boot, keeps stopped accounts stopped, and remembers the default account', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const first = await createLinda({ dataDir: tmp.dir });
    await first.start();
    await first.createAccount({ id: 'on' });
    await first.createAccount({ id: 'off' });
    await first.stopAccount('off');
    await first.setDefaultAccount('on');
    await first.stop();

    const second = await createLinda({ dataDir: tmp.dir });
    await second.start();
    cleanup.push(() => second.stop());
    expect((await second.getAccount('on')).status).toBe('ready');
    expect((await second.getAccount('off')).status).toBe('stopped');
    expect(await second.defaultAccount()).toBe('on');
    expect(second.sandbox.attachedAccounts()).toEqual(['on']);
    expect((await second.startAccount('off')).status).toBe('ready');
  });

  it('a corrupt database gives STORAGE_CORRUPT at start, not a crash loop', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(tmp.dir, 'linda.db'), Buffer.alloc(8192, 7));
    const linda = await createLinda({ dataDir: tmp.dir });
    await expect(linda.start()).rejects.toMatchObject({ code: 'STORAGE_CORRUPT' });
  });
});

describe('sandboxSay', () => {
  it('returns every reply of a handler that answers more than once, in order', async () => {
    const linda = await engine();
    await linda.createAccount({ id: 'a' });
    linda.bot.command('three', async (ctx) => {
      await ctx.reply('one');
      await new Promise((r) => setTimeout(r, 5));
      await ctx.reply('two');
      await ctx.reply('three');
    });
    const exchange = await linda.sandboxSay('a', FROM, '!three');
    expect(exchange.inbound.body).toBe('!three');
    expect(exchange.replies.map((r) => r.body)).toEqual(['one', 'two', 'three']);
  });

  it('refuses accounts that are unknown or not on the in-process sandbox', async () => {
    const linda = await engine();
    await expect(linda.sandboxSay('ghost', FROM, 'hi')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    await expect(linda.sandboxSay('ghost', 'not-a-number', 'hi')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('backpressure', () => {
  it('acknowledges at most maxBacklog unhandled messages, then admits the rest in order as handlers finish', async () => {
    const linda = await engine({ ...LOAD_OPTIONS, pipeline: { ...LOAD_OPTIONS.pipeline, maxBacklog: 5 } });
    await linda.createAccount({ id: 'a' });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const handled: string[] = [];
    linda.bot.on('text', async (ctx) => {
      await gate;
      handled.push(ctx.text ?? '');
    });
    let acked = 0;
    const says = Array.from({ length: 20 }, (_, i) =>
      linda.sandbox.say('a', `+1555000${String(i % 4).padStart(4, '0')}`, `m${i}`).then(() => acked++),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(acked).toBe(5);
    expect(await linda.store.countMessages({ account: 'a' })).toBe(5);
    release();
    await Promise.all(says);
    await linda.idle();
    expect(acked).toBe(20);
    expect(await linda.store.countMessages({ account: 'a' })).toBe(20);
    for (let chat = 0; chat < 4; chat++) {
      const mine = handled.filter((t) => Number(t.slice(1)) % 4 === chat);
      expect(mine).toEqual([0, 1, 2, 3, 4].map((k) => `m${k * 4 + chat}`));
    }
  });
});

describe('restarting an account parked in a terminal state', () => {
  it('startAccount reconnects a logged_out account (after relinking, say)', async () => {
    let sinks: import('../../src/connectors/types.js').ConnectorSink[] = [];
    const linda = await engine({
      connectors: {
        flaky: () => ({
          kind: 'flaky',
          connect: async (sink) => {
            sinks.push(sink);
          },
          disconnect: async () => {},
          send: async (m) => ({ id: m.id, timestamp: Date.now() }),
        }),
      },
    });
    await linda.createAccount({ id: 'phone', connector: 'flaky' });
    sinks[0]!.connection('closed', {
      error: new Error('unlinked on the phone'),
      retryable: false,
      status: 'logged_out',
    });
    await eventually(async () => (await linda.getAccount('phone')).status === 'logged_out', 'logged_out');
    sinks = [];
    expect((await linda.startAccount('phone')).status).toBe('ready');
    expect(sinks).toHaveLength(1);
  });
});

describe('per-recipient pacing', () => {
  it('never sends one recipient more than recipientRate allows, while other recipients go on in parallel', async () => {
    const linda = await engine(LOAD_OPTIONS);
    await linda.createAccount({ id: 'a', config: { recipientRate: { points: 2, durationMs: 300 } } });
    await expect(
      linda.createAccount({ id: 'b', config: { recipientRate: { points: 0, durationMs: 300 } } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const to = ['+15550001001', '+15550001002'];
    const t0 = performance.now();
    for (let i = 0; i < 6; i++) for (const r of to) await linda.use('a').send(r, `m${i}`);
    await eventually(() => linda.sandbox.deliveries({ account: 'a' }).length === 12, 'all 12 sends', 5_000);
    const elapsed = performance.now() - t0;
    for (const r of to) {
      const at = linda.sandbox.deliveries({ account: 'a', to: r }).map((d) => d.at);
      expect(at).toHaveLength(6);
      for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 2]!).toBeGreaterThanOrEqual(295);
    }
    // Two recipients paced side by side: about three windows, not six.
    expect(elapsed).toBeLessThan(1_500);
  });
});
