import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRemoteSandboxConnector,
  SandboxNetwork,
  type SandboxServer,
  sandboxConnectorFactory,
  serveSandbox,
} from '../../../../src/connectors/sandbox/index.js';
import type { Connector } from '../../../../src/connectors/types.js';
import { ConnectorError } from '../../../../src/domain/errors.js';
import { testContext } from '../../../support/connector-context.js';
import { FakeSink } from './fake-sink.js';

const ALICE = '+15550001111';
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A raw NDJSON client, to speak the protocol badly on purpose. */
async function rawClient(port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  const frames: Array<Record<string, unknown>> = [];
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl !== -1) {
      frames.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
    }
  });
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 2_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { socket, frames, until, send: (text: string) => socket.write(text) };
}

describe('remote sandbox over loopback', () => {
  let net: SandboxNetwork;
  let server: SandboxServer;
  const connectors: Connector[] = [];
  const sockets: Socket[] = [];

  async function setup(opts: ConstructorParameters<typeof SandboxNetwork>[0] = {}) {
    net = new SandboxNetwork(opts);
    server = await serveSandbox(net);
    expect(server.url).toBe(`tcp://127.0.0.1:${server.port}`);
  }
  async function connected(account = 'demo', sink = new FakeSink()) {
    const connector = createRemoteSandboxConnector({ url: server.url, account });
    connectors.push(connector);
    await connector.connect(sink);
    return { connector, sink };
  }

  afterEach(async () => {
    for (const c of connectors.splice(0)) await c.disconnect();
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
  });

  it('say resolves only after the remote sink.inbound resolved, with many in flight at once', async () => {
    await setup();
    const { sink } = await connected('demo', new FakeSink({ hold: true }));
    expect(sink.connections.map((c) => c.state)).toEqual(['connecting', 'open']);
    expect(net.attachedAccounts()).toEqual(['demo']);

    const settled: string[] = [];
    const says = ['a', 'b', 'c'].map((text) =>
      net.say('demo', ALICE, text).then((m) => settled.push(m.body ?? '')),
    );
    await sink.until(() => sink.pending.length === 3); // pipelined: no ack needed to get the next
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toEqual([]);
    sink.pending[1]?.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toEqual(['b']);
    sink.pending[0]?.resolve();
    sink.pending[2]?.resolve();
    await Promise.all(says);
    expect(settled.sort()).toEqual(['a', 'b', 'c']);
    expect(sink.inbounds.map((m) => [m.body, m.chat, m.kind])).toEqual([
      ['a', ALICE, 'text'],
      ['b', ALICE, 'text'],
      ['c', ALICE, 'text'],
    ]);
    expect(net.stats().inbound).toBe(3);
  });

  it('a rejected sink.inbound becomes a nack and the say rejects', async () => {
    await setup();
    const { sink } = await connected('demo', new FakeSink({ hold: true }));
    const say = net.say('demo', ALICE, 'x');
    await sink.until(() => sink.pending.length === 1);
    sink.pending[0]?.reject(new Error('disk full'));
    await expect(say).rejects.toThrow(/disk full/);
  });

  it('send records the delivery in the server-side network, dedupes, and relays receipts', async () => {
    await setup({ receipts: 'read' });
    const { connector, sink } = await connected();
    const msg = { account: 'demo', id: 'OUT1', to: ALICE, kind: 'text' as const, body: 'hello' };
    const receipt = await connector.send(msg);
    expect(receipt.id).toBe('OUT1');
    await expect(connector.send(msg)).resolves.toEqual(receipt);
    expect(net.deliveries()).toMatchObject([{ account: 'demo', to: ALICE, id: 'OUT1', body: 'hello' }]);
    expect(net.stats()).toMatchObject({ delivered: 1, duplicates: 1 });
    await sink.until(() => sink.statuses.some((s) => s.status === 'read'));
    expect(sink.statuses.slice(0, 2).map((s) => `${s.id}:${s.status}`)).toEqual([
      'OUT1:delivered',
      'OUT1:read',
    ]);
  });

  it('a network-side send failure reaches the caller as a retryable ConnectorError', async () => {
    await setup({ failureRate: 1 });
    const { connector } = await connected();
    const err = await connector
      .send({ account: 'demo', id: 'F1', to: ALICE, kind: 'text', body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ retryable: true, code: 'SEND_FAILED' });
    expect(net.stats().failedSends).toBe(1);
  });

  it('when the connection drops, the unacked say rejects, the account detaches, the connector reports a retryable close', async () => {
    await setup();
    const sink = new FakeSink({ hold: true });
    await connected('demo', sink);
    const acked = net.say('demo', ALICE, 'saved');
    const lost = net.say('demo', ALICE, 'lost');
    await sink.until(() => sink.pending.length === 2);
    sink.pending[0]?.resolve();
    await acked;
    const attachedBefore = net.attachedAccounts();
    await closeServerSideOf(server);
    await expect(lost).rejects.toMatchObject({ name: 'ConnectorError', retryable: true });
    expect(attachedBefore).toEqual(['demo']);
    expect(net.attachedAccounts()).toEqual([]);
    expect(net.listenerCount()).toBe(0);
    await sink.until(() => sink.connections.some((c) => c.state === 'closed'));
    expect(sink.connections.at(-1)).toMatchObject({ state: 'closed', retryable: true });
  });

  it('a raw client destroyed mid-flight leaves its unacked say rejected', async () => {
    await setup();
    const raw = await rawClient(server.port);
    sockets.push(raw.socket);
    raw.send('{"t":"hello","account":"crashy"}\n');
    await raw.until(() => raw.frames.some((f) => f.t === 'ready'));
    const say = net.say('crashy', ALICE, 'never acked');
    await raw.until(() => raw.frames.some((f) => f.t === 'in'));
    raw.socket.destroy();
    await expect(say).rejects.toBeInstanceOf(ConnectorError);
    expect(net.attachedAccounts()).toEqual([]);
  });

  it('in-flight sends reject retryably when the connection drops', async () => {
    await setup({ latencyMs: 500 });
    const { connector } = await connected();
    const sending = connector.send({ account: 'demo', id: 'S1', to: ALICE, kind: 'text', body: 'x' });
    await nextTurn();
    await closeServerSideOf(server);
    await expect(sending).rejects.toMatchObject({ name: 'ConnectorError', retryable: true });
  });

  it('disconnect detaches the account and stops calling the sink', async () => {
    await setup();
    const { connector, sink } = await connected();
    await connector.disconnect();
    await connector.disconnect();
    await waitFor(() => net.attachedAccounts().length === 0);
    expect(net.listenerCount()).toBe(0);
    expect(sink.connections.map((c) => c.state)).toEqual(['connecting', 'open']);
    await expect(net.say('demo', ALICE, 'x')).rejects.toMatchObject({ code: 'SESSION_NOT_READY' });
    await expect(
      connector.send({ account: 'demo', id: 'S1', to: ALICE, kind: 'text', body: 'x' }),
    ).rejects.toMatchObject({ code: 'SESSION_NOT_READY' });
  });

  it('answers malformed frames with VALIDATION_FAILED and keeps serving', async () => {
    await setup();
    const raw = await rawClient(server.port);
    sockets.push(raw.socket);
    raw.send('this is not json\n');
    raw.send('{"t":"launch-missiles"}\n');
    raw.send('{"t":"hello","account":"NOT A SLUG"}\n');
    raw.send('{"t":"ack","seq":-1}\n');
    raw.send('[1,2,3]\n');
    await raw.until(() => raw.frames.length === 5);
    expect(raw.frames.every((f) => f.t === 'error' && f.code === 'VALIDATION_FAILED')).toBe(true);

    raw.send('{"t":"send","rid":1,"msg":{"account":"demo","id":"X","to":"+15550001111","kind":"text"}}\n');
    await raw.until(() => raw.frames.length === 6);
    expect(raw.frames[5]).toMatchObject({ t: 'err', rid: 1, code: 'SESSION_NOT_READY' });

    raw.send('{"t":"hello","account":"ok"}\n');
    raw.send('{"t":"send","rid":2,"msg":{"account":"ok","id":"X","to":"not a number","kind":"text"}}\n');
    raw.send(
      '{"t":"send","rid":3,"msg":{"account":"ok","id":"Y","to":"+15550001111","kind":"text","body":"hi"}}\n',
    );
    await raw.until(() => raw.frames.some((f) => f.t === 'sent'));
    // A 'status' receipt for Y may follow in the same read; only the answers to our frames matter.
    expect(raw.frames.slice(6, 9).map((f) => f.t)).toEqual(['ready', 'error', 'sent']);
    expect(net.deliveries().map((d) => d.id)).toEqual(['Y']);

    // The server is alive for everyone else.
    const { connector } = await connected('other');
    await expect(
      connector.send({ account: 'other', id: 'Z', to: ALICE, kind: 'text' }),
    ).resolves.toMatchObject({
      id: 'Z',
    });
  });

  it('refuses an oversized line without buffering it, then reads the next frame', async () => {
    await setup();
    const raw = await rawClient(server.port);
    sockets.push(raw.socket);
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 17; i++) raw.send(chunk);
    raw.send('\n{"t":"hello","account":"after"}\n');
    await raw.until(() => raw.frames.some((f) => f.t === 'ready'));
    expect(raw.frames.map((f) => f.code ?? f.t)).toEqual(['PAYLOAD_TOO_LARGE', 'ready']);
  });

  it('rejects connect when the hello is refused, and when nothing listens', async () => {
    await setup();
    const bad = createRemoteSandboxConnector({ url: server.url, account: 'Bad Name' });
    await expect(bad.connect(new FakeSink())).rejects.toMatchObject({ retryable: false });
    const port = server.port;
    await server.close();
    const gone = createRemoteSandboxConnector({ url: `tcp://127.0.0.1:${port}`, account: 'demo' });
    await expect(gone.connect(new FakeSink())).rejects.toMatchObject({
      name: 'ConnectorError',
      retryable: true,
    });
  });

  it('sandboxConnectorFactory picks the remote connector for a tcp:// config.url', async () => {
    await setup();
    const local = new SandboxNetwork();
    const connector = sandboxConnectorFactory(local)(testContext('demo', { url: server.url }));
    connectors.push(connector);
    await connector.connect(new FakeSink());
    expect(net.attachedAccounts()).toEqual(['demo']);
    expect(local.attachedAccounts()).toEqual([]);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Drops every client connection from the server's side, as if the network process vanished. */
async function closeServerSideOf(server: SandboxServer): Promise<void> {
  await server.close();
}
