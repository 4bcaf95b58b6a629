import { describe, expect, it } from 'vitest';
import { SandboxNetwork, seededRandom } from '../../../../src/connectors/sandbox/index.js';
import { ConnectorError, LindaError } from '../../../../src/domain/errors.js';
import type { InboundMessage, OutboundMessage, StatusUpdate } from '../../../../src/domain/message.js';
import { deferred } from './fake-sink.js';

const ALICE = '+15550001111';
const BOB = '+15550002222';

function out(id: string, to = ALICE, body = `reply ${id}`): OutboundMessage {
  return { account: 'demo', id, to, kind: 'text', body };
}

/** A port that records what it gets and acknowledges at once. */
function recordingPort() {
  const delivered: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  return {
    delivered,
    statuses,
    port: {
      deliver: async (m: InboundMessage) => {
        delivered.push(m);
      },
      status: (u: StatusUpdate) => {
        statuses.push(u);
      },
    },
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SandboxNetwork: contact side', () => {
  it('say builds a text message from the contact and resolves only after deliver resolved', async () => {
    const net = new SandboxNetwork();
    const commit = deferred();
    const order: string[] = [];
    net.attach('demo', {
      deliver: async (m) => {
        order.push(`deliver:${m.body}`);
        await commit.promise;
        order.push('durable');
      },
      status: () => {},
    });
    const said = net.say('demo', ALICE, 'hello').then((m) => {
      order.push('say resolved');
      return m;
    });
    await nextTurn();
    expect(order).toEqual(['deliver:hello']);
    expect(net.stats().inbound).toBe(0);
    commit.resolve();
    const message = await said;
    expect(order).toEqual(['deliver:hello', 'durable', 'say resolved']);
    expect(message).toMatchObject({ chat: ALICE, sender: ALICE, kind: 'text', body: 'hello' });
    expect(message.id).toMatch(/^SBX[0-9A-F]+$/);
    expect(Math.abs(message.timestamp - Date.now())).toBeLessThan(5_000);
    expect(net.stats().inbound).toBe(1);
  });

  it('gives every message a distinct id, also across networks (the engine dedupes by id)', async () => {
    const a = new SandboxNetwork();
    const b = new SandboxNetwork();
    a.attach('demo', recordingPort().port);
    b.attach('demo', recordingPort().port);
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      ids.add((await a.say('demo', ALICE, 'x')).id);
      ids.add((await b.say('demo', ALICE, 'x')).id);
    }
    expect(ids.size).toBe(100);
  });

  it('passes message parts through for reactions and media', async () => {
    const net = new SandboxNetwork();
    const { port, delivered } = recordingPort();
    net.attach('demo', port);
    await net.say('demo', ALICE, { kind: 'reaction', meta: { targetId: 'OUT1', emoji: '👍' } });
    const media = { sha256: 'a'.repeat(64), size: 10, mime: 'image/jpeg' };
    await net.say('demo', BOB, { kind: 'image', media, body: 'caption', id: 'MY-ID' });
    expect(delivered[0]).toMatchObject({
      kind: 'reaction',
      meta: { targetId: 'OUT1', emoji: '👍' },
      chat: ALICE,
    });
    expect(delivered[1]).toMatchObject({ id: 'MY-ID', kind: 'image', media, body: 'caption', sender: BOB });
  });

  it('rejects say with SESSION_NOT_READY when the account is not attached, and after detach', async () => {
    const net = new SandboxNetwork();
    await expect(net.say('demo', ALICE, 'hi')).rejects.toMatchObject({ code: 'SESSION_NOT_READY' });
    const detach = net.attach('demo', recordingPort().port);
    await expect(net.say('demo', ALICE, 'hi')).resolves.toBeDefined();
    detach();
    const err = await net.say('demo', ALICE, 'hi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LindaError);
    expect((err as LindaError).code).toBe('SESSION_NOT_READY');
    expect(net.attachedAccounts()).toEqual([]);
  });

  it('rejects a contact that is not an E.164 number', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    await expect(net.say('demo', 'alice', 'hi')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('sayMany pipelines the batch (all in flight at once) and keeps input order', async () => {
    const net = new SandboxNetwork();
    const commits: Array<() => void> = [];
    net.attach('demo', {
      deliver: (_m) => new Promise<void>((resolve) => commits.push(resolve)),
      status: () => {},
    });
    const items = Array.from({ length: 20 }, (_, i) => ({ from: ALICE, input: `m${i}` }));
    const batch = net.sayMany('demo', items);
    await nextTurn();
    expect(commits).toHaveLength(20);
    for (const commit of commits.reverse()) commit();
    const messages = await batch;
    expect(messages.map((m) => m.body)).toEqual(items.map((i) => i.input));
    expect(net.stats().inbound).toBe(20);
  });

  it('sayMany honours a concurrency bound', async () => {
    const net = new SandboxNetwork();
    let inFlight = 0;
    let peak = 0;
    net.attach('demo', {
      deliver: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await nextTurn();
        inFlight--;
      },
      status: () => {},
    });
    const items = Array.from({ length: 30 }, (_, i) => ({ from: BOB, input: `m${i}` }));
    await net.sayMany('demo', items, { concurrency: 4 });
    expect(peak).toBe(4);
  });

  it('attaching an account twice replaces the old port and tells it', async () => {
    const net = new SandboxNetwork();
    const first = recordingPort();
    let replaced = 0;
    const detachFirst = net.attach('demo', { ...first.port, replaced: () => replaced++ });
    const second = recordingPort();
    net.attach('demo', second.port);
    expect(replaced).toBe(1);
    detachFirst(); // stale detach must not remove the new port
    await net.say('demo', ALICE, 'hi');
    expect(first.delivered).toHaveLength(0);
    expect(second.delivered).toHaveLength(1);
    expect(net.listenerCount()).toBe(1);
  });
});

describe('SandboxNetwork: account side', () => {
  it('records deliveries in order with their fields', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    const receipt = await net.accept('demo', out('O1', ALICE, 'one'));
    await net.accept('demo', out('O2', BOB, 'two'));
    expect(receipt.id).toBe('O1');
    expect(net.deliveries().map((d) => [d.to, d.id, d.body, d.kind])).toEqual([
      [ALICE, 'O1', 'one', 'text'],
      [BOB, 'O2', 'two', 'text'],
    ]);
    expect(net.deliveries({ to: BOB }).map((d) => d.id)).toEqual(['O2']);
    expect(net.deliveries({ account: 'other' })).toEqual([]);
    expect(net.deliveries()[0]?.at).toBe(receipt.timestamp);
  });

  it('dedupes by (account, id): one delivery, the duplicate counted, the same receipt returned', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    net.attach('sales', recordingPort().port);
    const first = await net.accept('demo', out('SAME'));
    const again = await net.accept('demo', out('SAME'));
    await net.accept('sales', out('SAME')); // another account may use the same id
    expect(again).toEqual(first);
    expect(net.deliveries({ account: 'demo' })).toHaveLength(1);
    expect(net.deliveries({ account: 'sales' })).toHaveLength(1);
    expect(net.stats()).toMatchObject({ delivered: 2, duplicates: 1 });
  });

  it('rejects accept from an account that is not attached', async () => {
    const net = new SandboxNetwork();
    const err = await net.accept('demo', out('O1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'SESSION_NOT_READY', retryable: true });
    expect(net.deliveries()).toHaveLength(0);
  });

  it('sends delivered then read receipts after accept returned, never inside it', async () => {
    const net = new SandboxNetwork({ receipts: 'read' });
    const { port, statuses } = recordingPort();
    net.attach('demo', port);
    await net.accept('demo', out('O1'));
    expect(statuses).toEqual([]);
    await nextTurn();
    expect(statuses.map((s) => `${s.id}:${s.status}`)).toEqual(['O1:delivered', 'O1:read']);
  });

  it("sends only delivered by default and nothing with receipts 'none'", async () => {
    const net = new SandboxNetwork();
    const { port, statuses } = recordingPort();
    net.attach('demo', port);
    await net.accept('demo', out('O1'));
    await nextTurn();
    expect(statuses.map((s) => s.status)).toEqual(['delivered']);
    net.configure({ receipts: 'none' });
    await net.accept('demo', out('O2'));
    await nextTurn();
    expect(statuses).toHaveLength(1);
  });

  it('injects failures from the seeded random: retryable SEND_FAILED, counted, not delivered', async () => {
    const run = async () => {
      const net = new SandboxNetwork({ failureRate: 0.5, random: seededRandom(7) });
      net.attach('demo', recordingPort().port);
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) {
        try {
          await net.accept('demo', out(`O${i}`));
          outcomes.push('ok');
        } catch (err) {
          expect(err).toBeInstanceOf(ConnectorError);
          expect(err).toMatchObject({ retryable: true, operation: 'send', code: 'SEND_FAILED' });
          outcomes.push('fail');
        }
      }
      return { outcomes, net };
    };
    const a = await run();
    const b = await run();
    expect(a.outcomes).toEqual(b.outcomes); // same seed, same failures
    const failed = a.outcomes.filter((o) => o === 'fail').length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    expect(a.net.stats()).toMatchObject({ failedSends: failed, delivered: 40 - failed });
    expect(a.net.deliveries()).toHaveLength(40 - failed);
  });

  it('a failed send can be retried with the same id and is then delivered once', async () => {
    let draw = 0;
    const net = new SandboxNetwork({ failureRate: 0.5, random: () => (draw++ === 0 ? 0 : 0.99) });
    net.attach('demo', recordingPort().port);
    await expect(net.accept('demo', out('R1'))).rejects.toBeInstanceOf(ConnectorError);
    await expect(net.accept('demo', out('R1'))).resolves.toMatchObject({ id: 'R1' });
    expect(net.deliveries().map((d) => d.id)).toEqual(['R1']);
  });

  it('injects latency on accept', async () => {
    const net = new SandboxNetwork({ latencyMs: 60 });
    net.attach('demo', recordingPort().port);
    const started = performance.now();
    await net.accept('demo', out('L1'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    net.configure({ latencyMs: 0 });
    const quick = performance.now();
    await net.accept('demo', out('L2'));
    expect(performance.now() - quick).toBeLessThan(30);
  });

  it('refuses invalid options', () => {
    const net = new SandboxNetwork();
    expect(() => net.configure({ failureRate: 2 })).toThrow(LindaError);
    expect(() => net.configure({ latencyMs: -1 })).toThrow(LindaError);
    expect(net.options().failureRate).toBe(0);
  });
});

describe('SandboxNetwork: observation', () => {
  it('waitForDeliveries counts recorded and future deliveries for the filter', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    await net.accept('demo', out('O1', ALICE));
    const waiting = net.waitForDeliveries(3, { to: ALICE, timeoutMs: 1_000 });
    await net.accept('demo', out('O2', BOB));
    await net.accept('demo', out('O3', ALICE));
    await net.accept('demo', out('O4', ALICE));
    expect((await waiting).map((d) => d.id)).toEqual(['O1', 'O3', 'O4']);
    expect(net.listenerCount()).toBe(1); // only the port: the waiter unsubscribed
  });

  it('waitForDeliveries with a predicate resolves on the first match', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    const waiting = net.waitForDeliveries((d) => d.body === 'pong', { timeoutMs: 1_000 });
    await net.accept('demo', out('O1', ALICE, 'ping'));
    await net.accept('demo', out('O2', ALICE, 'pong'));
    expect((await waiting).map((d) => d.id)).toEqual(['O2']);
  });

  it('waitForDeliveries with a predicate and count waits for that many matches', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    const ids = new Set(['A', 'C']);
    let done = false;
    const waiting = net
      .waitForDeliveries((d) => ids.has(d.id), { count: 2, timeoutMs: 1_000 })
      .then((ds) => {
        done = true;
        return ds;
      });
    await net.accept('demo', out('A'));
    await net.accept('demo', out('B'));
    await nextTurn();
    expect(done).toBe(false);
    await net.accept('demo', out('C'));
    expect((await waiting).map((d) => d.id)).toEqual(['A', 'C']);
  });

  it('waitForDeliveries rejects with TIMEOUT and leaves no listener behind', async () => {
    const net = new SandboxNetwork();
    net.attach('demo', recordingPort().port);
    await net.accept('demo', out('O1'));
    const err = await net.waitForDeliveries(2, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LindaError);
    expect((err as LindaError).code).toBe('TIMEOUT');
    expect((err as LindaError).details).toMatchObject({ expected: 2, received: 1 });
    expect(net.listenerCount()).toBe(1);
  });

  it('onDelivery sees each delivery once until unsubscribed', async () => {
    const net = new SandboxNetwork({ recordDeliveries: false });
    net.attach('demo', recordingPort().port);
    const seen: string[] = [];
    const off = net.onDelivery((d) => seen.push(d.id));
    expect(net.listenerCount()).toBe(2);
    await net.accept('demo', out('O1'));
    await net.accept('demo', out('O1'));
    off();
    await net.accept('demo', out('O2'));
    expect(seen).toEqual(['O1']);
    expect(net.deliveries()).toEqual([]); // recording off
    expect(net.stats().delivered).toBe(2);
    expect(net.listenerCount()).toBe(1);
  });

  it('reset forgets deliveries, counters, dedupe and queued receipts but keeps the ports', async () => {
    const net = new SandboxNetwork();
    const { port, statuses } = recordingPort();
    net.attach('demo', port);
    await net.accept('demo', out('O1'));
    net.reset();
    await nextTurn();
    expect(statuses).toEqual([]);
    expect(net.deliveries()).toEqual([]);
    expect(net.stats()).toEqual({ inbound: 0, delivered: 0, duplicates: 0, failedSends: 0 });
    await net.accept('demo', out('O1')); // dedupe memory is gone too
    expect(net.stats()).toMatchObject({ delivered: 1, duplicates: 0 });
    expect(net.attachedAccounts()).toEqual(['demo']);
  });
});
