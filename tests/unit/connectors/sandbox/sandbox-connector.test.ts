import { describe, expect, it } from 'vitest';
import {
  createSandboxConnector,
  SandboxNetwork,
  sandboxConnectorFactory,
} from '../../../../src/connectors/sandbox/index.js';
import type { ConnectorContext } from '../../../../src/connectors/types.js';
import { ConnectorError } from '../../../../src/domain/errors.js';
import { testContext } from '../../../support/connector-context.js';
import { FakeSink } from './fake-sink.js';

const ALICE = '+15550001111';
const ctx = (account = 'demo', config: Record<string, unknown> = {}): ConnectorContext =>
  testContext(account, config);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createSandboxConnector (in-process)', () => {
  it('connects, reports open, and acknowledges an inbound only after the sink made it durable', async () => {
    const net = new SandboxNetwork();
    const connector = createSandboxConnector(net)(ctx());
    const sink = new FakeSink({ hold: true });
    expect(connector.kind).toBe('sandbox');
    await connector.connect(sink);
    expect(sink.connections.map((c) => c.state)).toEqual(['connecting', 'open']);
    expect(net.attachedAccounts()).toEqual(['demo']);

    let said = false;
    const say = net.say('demo', ALICE, 'hi').then(() => {
      said = true;
    });
    await sink.until(() => sink.pending.length === 1);
    await nextTurn();
    expect(said).toBe(false);
    sink.pending[0]?.resolve();
    await say;
    expect(sink.events).toEqual([
      'connection:connecting',
      'connection:open',
      expect.stringMatching(/^inbound:/),
      expect.stringMatching(/^durable:/),
    ]);
  });

  it('a failing sink.inbound makes say reject (the network saw no ack)', async () => {
    const net = new SandboxNetwork();
    const connector = createSandboxConnector(net)(ctx());
    const sink = new FakeSink({ hold: true });
    await connector.connect(sink);
    const say = net.say('demo', ALICE, 'hi');
    await sink.until(() => sink.pending.length === 1);
    sink.pending[0]?.reject(new Error('disk full'));
    await expect(say).rejects.toThrow('disk full');
    expect(net.stats().inbound).toBe(0);
  });

  it('send goes through network.accept and receipts come back through sink.status', async () => {
    const net = new SandboxNetwork({ receipts: 'read' });
    const connector = createSandboxConnector(net)(ctx());
    const sink = new FakeSink();
    await connector.connect(sink);
    const receipt = await connector.send({
      account: 'demo',
      id: 'OUT1',
      to: ALICE,
      kind: 'text',
      body: 'yo',
    });
    expect(receipt.id).toBe('OUT1');
    expect(net.deliveries()).toMatchObject([{ account: 'demo', to: ALICE, id: 'OUT1', body: 'yo' }]);
    await sink.until(() => sink.statuses.length === 2);
    expect(sink.statuses.map((s) => s.status)).toEqual(['delivered', 'read']);
  });

  it('disconnect removes every listener, is idempotent, and the sink is not called afterwards', async () => {
    const net = new SandboxNetwork();
    const connector = createSandboxConnector(net)(ctx());
    const sink = new FakeSink();
    await connector.connect(sink);
    await connector.send({ account: 'demo', id: 'OUT1', to: ALICE, kind: 'text', body: 'x' });
    expect(net.listenerCount()).toBe(1);
    await connector.disconnect(); // before the queued receipt goes out
    await connector.disconnect();
    expect(net.listenerCount()).toBe(0);
    const calls = sink.events.length;
    await nextTurn();
    await expect(net.say('demo', ALICE, 'anyone?')).rejects.toMatchObject({ code: 'SESSION_NOT_READY' });
    await expect(
      connector.send({ account: 'demo', id: 'OUT2', to: ALICE, kind: 'text', body: 'x' }),
    ).rejects.toBeInstanceOf(ConnectorError);
    expect(sink.events).toHaveLength(calls);
  });

  it('can connect again after disconnect', async () => {
    const net = new SandboxNetwork();
    const connector = createSandboxConnector(net)(ctx());
    await connector.connect(new FakeSink());
    await connector.disconnect();
    const sink = new FakeSink();
    await connector.connect(sink);
    await net.say('demo', ALICE, 'back');
    expect(sink.inbounds.map((m) => m.body)).toEqual(['back']);
    await expect(connector.connect(new FakeSink())).rejects.toBeInstanceOf(ConnectorError);
  });

  it('a second connector for the same account replaces the first, which reports a non-retryable close', async () => {
    const net = new SandboxNetwork();
    const first = createSandboxConnector(net)(ctx());
    const second = createSandboxConnector(net)(ctx());
    const firstSink = new FakeSink();
    const secondSink = new FakeSink();
    await first.connect(firstSink);
    await second.connect(secondSink);
    expect(firstSink.connections.at(-1)).toMatchObject({ state: 'closed', retryable: false });
    await net.say('demo', ALICE, 'to whom?');
    expect(firstSink.inbounds).toHaveLength(0);
    expect(secondSink.inbounds).toHaveLength(1);
    await first.disconnect();
    expect(net.attachedAccounts()).toEqual(['demo']);
    await second.disconnect();
    expect(net.listenerCount()).toBe(0);
  });
});

describe('sandboxConnectorFactory', () => {
  it('is in-process without config.url and refuses a url that is not tcp://', async () => {
    const net = new SandboxNetwork();
    const factory = sandboxConnectorFactory(net);
    const local = factory(ctx());
    await local.connect(new FakeSink());
    expect(net.attachedAccounts()).toEqual(['demo']);
    await local.disconnect();
    expect(() => factory(ctx('demo', { url: 'http://127.0.0.1:80' }))).toThrow(/tcp:\/\//);
  });
});
