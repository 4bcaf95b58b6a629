import { afterEach, describe, expect, it } from 'vitest';
import { createBaileysConnector } from '../../../../src/connectors/baileys/index.js';
import type { ConnectorFactory } from '../../../../src/connectors/types.js';
import { createLinda, type Linda } from '../../../../src/engine.js';
import { eventually, tempDir } from '../../../support/engine.js';
import { boom, lib, socketFactory, waMessage } from './fake-socket.js';

/** The real engine (store, cipher, session, outbox) on Baileys with fake sockets. */
async function engine(dir: string, sockets = socketFactory()) {
  const factory: ConnectorFactory = Object.assign(
    (ctx: Parameters<ConnectorFactory>[0]) =>
      createBaileysConnector(ctx, { lib, makeSocket: sockets.makeSocket }),
    { defaultSendRate: { points: 1, durationMs: 1_000 } },
  );
  const linda = await createLinda({
    dataDir: dir,
    connectors: { baileys: factory },
    session: { maxFailures: 3, backoff: { baseMs: 5, capMs: 20, jitter: 0 } },
  });
  return { linda, sockets };
}

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function started(
  dir: string,
  sockets = socketFactory(),
): Promise<{ linda: Linda; sockets: typeof sockets }> {
  const e = await engine(dir, sockets);
  await e.linda.start();
  cleanup.push(() => e.linda.stop());
  return e;
}

describe('Baileys connector in the engine', () => {
  it('links by QR, survives the 515 restart, stores inbound, replies with the outbox id, and relinks without QR after a restart', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const first = await engine(tmp.dir);
    await first.linda.start();
    const creating = first.linda.createAccount({
      id: 'wa',
      connector: 'baileys',
      config: { logLevel: 'silent' },
    });
    await eventually(() => first.sockets.sockets.length === 1, 'a socket');
    const s1 = first.sockets.sockets[0]!;
    s1.emit('connection.update', { qr: '2@qr-payload' });
    await creating;
    expect(first.linda.linking('wa')).toEqual({ qr: '2@qr-payload' });

    // The phone scans: Baileys stores our identity, then asks for a restart (515).
    const creds = s1.config.auth!.creds;
    creds.me = { id: '15550009999:4@s.whatsapp.net' };
    s1.emit('creds.update', { me: creds.me });
    s1.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(515), date: new Date() },
    });
    expect(first.sockets.sockets).toHaveLength(2);
    const s2 = first.sockets.sockets[1]!;
    s2.emit('connection.update', { connection: 'open' });
    expect(first.linda.linking('wa')).toBeUndefined();
    expect(first.linda.session('wa')?.status).toBe('ready');
    expect(first.linda.session('wa')?.consecutiveFailures).toBe(0);

    s2.emit('messages.upsert', { messages: [waMessage('IN-1', { conversation: '!ping' })], type: 'notify' });
    await eventually(() => s2.sent.length === 1, 'the reply');
    const history = await first.linda.use('wa').history('+15550001111');
    const reply = history.messages.find((m) => m.direction === 'out')!;
    expect(history.messages.find((m) => m.direction === 'in')).toMatchObject({ id: 'IN-1', body: '!ping' });
    expect(s2.sent[0]).toMatchObject({ jid: '15550001111@s.whatsapp.net', content: { text: 'pong' } });
    expect(s2.sent[0]!.options.messageId).toBe(reply.id);
    await first.linda.stop();
    expect(s2.listenerCount()).toBe(0);

    // Restart: the stored creds come back, Baileys opens without a QR.
    // (engine.start() waits for each session's first connection, as it does for every connector)
    const second = await engine(tmp.dir);
    cleanup.push(() => second.linda.stop());
    const starting = second.linda.start();
    await eventually(() => second.sockets.sockets.length === 1, 'a socket after restart');
    const s3 = second.sockets.sockets[0]!;
    expect(s3.config.auth!.creds.me?.id).toBe('15550009999:4@s.whatsapp.net');
    expect(Buffer.from(s3.config.auth!.creds.noiseKey.private)).toEqual(Buffer.from(creds.noiseKey.private));
    s3.emit('connection.update', { connection: 'open' });
    await starting;
    expect(second.linda.session('wa')?.status).toBe('ready');
    expect(second.linda.linking('wa')).toBeUndefined();
  });

  it('network loss: the session reconnects with backoff and parks as failed after maxFailures, one socket per attempt', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const { linda, sockets } = await started(tmp.dir);
    const creating = linda.createAccount({ id: 'wa', connector: 'baileys', config: { logLevel: 'silent' } });
    await eventually(() => sockets.sockets.length === 1, 'a socket');
    sockets.sockets[0]!.emit('connection.update', { connection: 'open' });
    await creating;
    let closed = 0;
    while (linda.session('wa')?.status !== 'failed') {
      await eventually(() => sockets.sockets.length === closed + 1, `socket ${closed + 1}`);
      sockets.sockets[closed]!.emit('connection.update', {
        connection: 'close',
        lastDisconnect: { error: boom(408), date: new Date() },
      });
      closed++;
      await eventually(
        () => sockets.sockets.length === closed + 1 || linda.session('wa')?.status === 'failed',
        'reconnect or park',
      );
      if (closed > 10) throw new Error('reconnect storm');
    }
    expect(closed).toBe(3);
    expect(sockets.sockets).toHaveLength(3);
    expect(sockets.sockets.every((s) => s.listenerCount() === 0 && s.ended === 1)).toBe(true);
    expect(linda.session('wa')?.hasTimer).toBe(false);
  });

  it('logged out from the phone: auth state deleted, session parked as logged_out', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const { linda, sockets } = await started(tmp.dir);
    const creating = linda.createAccount({ id: 'wa', connector: 'baileys', config: { logLevel: 'silent' } });
    await eventually(() => sockets.sockets.length === 1, 'a socket');
    const s = sockets.sockets[0]!;
    s.emit('creds.update', {});
    s.emit('connection.update', { connection: 'open' });
    await creating;
    s.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(401), date: new Date() },
    });
    await eventually(() => linda.session('wa')?.status === 'logged_out', 'logged_out');
    expect((await linda.getAccount('wa')).status).toBe('logged_out');
    await new Promise((r) => setTimeout(r, 30));
    expect(sockets.sockets).toHaveLength(1);
  });
});
