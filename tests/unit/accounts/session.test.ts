import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Session, type SessionHooks } from '../../../src/accounts/session.js';
import { createSandboxConnector, SandboxNetwork } from '../../../src/connectors/sandbox/index.js';
import type { ConnectorFactory, ConnectorSink } from '../../../src/connectors/types.js';
import type { Account, SessionStatus } from '../../../src/domain/account.js';
import { testServices } from '../../support/connector-context.js';

const logger = pino({ level: 'silent' });
const account: Account = {
  id: 'acme',
  name: 'Acme',
  phone: undefined,
  connector: 'x',
  config: {},
  status: 'created',
  createdAt: 0,
};
const policy = { maxFailures: 3, backoff: { baseMs: 5, capMs: 20, jitter: 0 } };

function hooks(): SessionHooks & { statuses: SessionStatus[] } {
  const statuses: SessionStatus[] = [];
  return {
    statuses,
    inbound: async () => {},
    status: () => {},
    statusChanged: (_id, s) => void statuses.push(s),
    linking: () => {},
  };
}

/** A connector whose connects fail `failFirst` times, then succeed; remembers its sinks. */
function flakyFactory(failFirst: number): ConnectorFactory & { attempts: number; sinks: ConnectorSink[] } {
  const factory = (() => ({
    kind: 'flaky',
    connect: async (sink: ConnectorSink) => {
      factory.attempts++;
      if (factory.attempts <= failFirst) throw new Error(`refused ${factory.attempts}`);
      factory.sinks.push(sink);
    },
    disconnect: async () => {},
    send: async (m: { id: string }) => ({ id: m.id, timestamp: Date.now() }),
  })) as unknown as ConnectorFactory & { attempts: number; sinks: ConnectorSink[] };
  factory.attempts = 0;
  factory.sinks = [];
  return factory;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Session', () => {
  it('goes created → starting → ready → stopped', async () => {
    const h = hooks();
    const s = new Session(
      account,
      createSandboxConnector(new SandboxNetwork()),
      h,
      policy,
      logger,
      testServices(),
    );
    expect(s.status).toBe('created');
    await s.start();
    expect(s.status).toBe('ready');
    await s.stop();
    expect(h.statuses).toEqual(['starting', 'ready', 'stopped']);
  });

  it('reconnects with backoff after failed connects and becomes ready', async () => {
    const h = hooks();
    const f = flakyFactory(2);
    const s = new Session(account, f, h, policy, logger, testServices());
    await s.start();
    expect(s.status).toBe('starting');
    expect(s.hasTimer).toBe(true);
    for (let i = 0; i < 100 && s.status !== 'ready'; i++) await wait(5);
    expect(s.status).toBe('ready');
    expect(f.attempts).toBe(3);
    await s.stop();
  });

  it('parks as failed after maxFailures in a row instead of looping, with no timer left', async () => {
    const h = hooks();
    const f = flakyFactory(1_000);
    const s = new Session(account, f, h, policy, logger, testServices());
    await s.start();
    for (let i = 0; i < 100 && s.status !== 'failed'; i++) await wait(5);
    expect(s.status).toBe('failed');
    await wait(60);
    expect(f.attempts).toBe(policy.maxFailures);
    expect(s.hasTimer).toBe(false);
  });

  it('a retryable close from the connector reconnects; a non-retryable one parks it', async () => {
    const f = flakyFactory(0);
    const s = new Session(account, f, hooks(), policy, logger, testServices());
    await s.start();
    f.sinks[0]!.connection('closed', { error: new Error('network lost'), retryable: true });
    for (let i = 0; i < 100 && f.attempts < 2; i++) await wait(5);
    for (let i = 0; i < 100 && s.status !== 'ready'; i++) await wait(5);
    expect(s.status).toBe('ready');
    f.sinks[1]!.connection('closed', { error: new Error('logged out'), retryable: false });
    await wait(30);
    expect(s.status).toBe('failed');
    expect(f.attempts).toBe(2);
  });

  it('stop() cancels a pending reconnect and silences the old sink', async () => {
    const f = flakyFactory(1);
    const h = hooks();
    let statusCalls = 0;
    h.status = () => void statusCalls++;
    const s = new Session(account, f, h, policy, logger, testServices());
    await s.start();
    expect(s.hasTimer).toBe(true);
    await s.stop();
    expect(s.hasTimer).toBe(false);
    await wait(40);
    expect(f.attempts).toBe(1);
    expect(s.status).toBe('stopped');
  });

  it('sending while not ready fails retryably with SESSION_NOT_READY', async () => {
    const s = new Session(account, flakyFactory(1_000), hooks(), policy, logger, testServices());
    await expect(
      s.send({ account: 'acme', id: 'X', to: '+15550001', kind: 'text', body: 'hi' }),
    ).rejects.toMatchObject({
      code: 'SESSION_NOT_READY',
      retryable: true,
    });
    await s.stop();
  });
});

describe('Session terminal states', () => {
  it('a non-retryable close parks the session in the status the connector names, without reconnecting', async () => {
    const f = flakyFactory(0);
    const h = hooks();
    const s = new Session(account, f, h, policy, logger, testServices());
    await s.start();
    f.sinks[0]!.connection('closed', {
      error: new Error('device removed'),
      retryable: false,
      status: 'logged_out',
    });
    await wait(30);
    expect(s.status).toBe('logged_out');
    expect(f.attempts).toBe(1);
    expect(s.hasTimer).toBe(false);
  });
});

describe('Session while linking a device', () => {
  it('stays starting while the connector shows a QR, and becomes ready when the device is linked', async () => {
    let sink: ConnectorSink | undefined;
    const factory = (() => ({
      kind: 'linking',
      connect: async (s: ConnectorSink) => {
        sink = s;
        s.linking({ qr: 'QR-1' });
      },
      disconnect: async () => {},
      send: async (m: { id: string }) => ({ id: m.id, timestamp: Date.now() }),
    })) as unknown as ConnectorFactory;
    const h = hooks();
    const s = new Session(account, factory, h, policy, logger, testServices());
    await s.start();
    expect(s.status).toBe('starting');
    sink!.linking(undefined);
    sink!.connection('open');
    expect(s.status).toBe('ready');
    await s.stop();
  });
});
