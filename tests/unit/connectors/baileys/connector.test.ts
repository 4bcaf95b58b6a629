import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type BaileysConfig,
  BaileysConnector,
  baileysConnectorFactory,
} from '../../../../src/connectors/baileys/index.js';
import type { ConnectorContext } from '../../../../src/connectors/types.js';
import type { Message } from '../../../../src/domain/message.js';
import { memoryAuthState, testContext } from '../../../support/connector-context.js';
import { FakeSink } from '../sandbox/fake-sink.js';
import { boom, type FakeSocket, lib, proto, socketFactory, waMessage } from './fake-socket.js';

const CONFIG: BaileysConfig = {
  linkTimeoutMs: 60_000,
  maxMediaBytes: 1 << 20,
  logLevel: 'silent',
  firstContactDelayMs: 0,
};

class LinkSink extends FakeSink {
  readonly links: Array<{ qr?: string; pairingCode?: string } | undefined> = [];
  override linking(info: { qr?: string; pairingCode?: string } | undefined): void {
    this.links.push(info);
    super.linking(info);
  }
}

function setup(
  opts: {
    config?: Partial<BaileysConfig>;
    ctx?: Partial<ConnectorContext>;
    download?: (bytes: Buffer) => Readable;
    media?: Buffer;
  } = {},
) {
  const ctx = { ...testContext('wa'), auth: memoryAuthState(), ...opts.ctx };
  const factory = socketFactory();
  const media = opts.media ?? Buffer.from('fake media bytes');
  const downloads: string[] = [];
  const connector = new BaileysConnector(
    ctx,
    { ...CONFIG, ...opts.config },
    {
      lib,
      makeSocket: factory.makeSocket,
      downloadMedia: async (m) => {
        downloads.push(m.key.id ?? '');
        return Readable.from([media.subarray(0, 5), media.subarray(5)]);
      },
    },
  );
  const sink = new LinkSink();
  const socket = (i = -1): FakeSocket => factory.sockets.at(i)!;
  return { ctx, connector, sink, sockets: factory.sockets, socket, downloads, media };
}

/** Connects and opens the first socket. */
async function opened(s: ReturnType<typeof setup>): Promise<void> {
  const connecting = s.connector.connect(s.sink);
  await waitFor(() => s.sockets.length === 1);
  s.socket().emit('connection.update', { connection: 'open' });
  await connecting;
}

async function waitFor(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('Baileys connector: linking', () => {
  it('offers each QR code, resolves connect while linking, and clears linking once open', async () => {
    const s = setup();
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    s.socket().emit('connection.update', { connection: 'connecting', qr: 'qr-1' });
    await connecting; // an engine start does not wait for a human to scan
    s.socket().emit('connection.update', { qr: 'qr-2' });
    expect(s.sink.links).toEqual([{ qr: 'qr-1' }, { qr: 'qr-2' }]);
    s.socket().emit('connection.update', { connection: 'open' });
    expect(s.sink.links.at(-1)).toBeUndefined();
    expect(s.sink.connections).toEqual([{ state: 'open' }]);
    await s.connector.disconnect();
  });

  it('asks for a pairing code (number without +) once when config.pairingPhone is set', async () => {
    const s = setup({ config: { pairingPhone: '+15550001234' } });
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    s.socket().emit('connection.update', { qr: 'qr-1' });
    s.socket().emit('connection.update', { qr: 'qr-2' });
    await connecting;
    expect(s.socket().pairingRequests).toEqual(['15550001234']);
    expect(s.sink.links).toEqual([{ pairingCode: 'ABCD1234' }]);
    await s.connector.disconnect();
  });

  it('gives up after linkTimeoutMs: parks as unlinked, not retryable, socket ended', async () => {
    const s = setup({ config: { linkTimeoutMs: 30 } });
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    s.socket().emit('connection.update', { qr: 'qr-1' });
    await connecting;
    await waitFor(() => s.sink.connections.length > 0);
    expect(s.sink.connections[0]).toMatchObject({ state: 'closed', retryable: false, status: 'unlinked' });
    expect(s.sink.links.at(-1)).toBeUndefined();
    expect(s.socket().ended).toBe(1);
    expect(s.socket().listenerCount()).toBe(0);
  });

  it('keeps the link timeout across a 515 restart that never opens', async () => {
    const s = setup({ config: { linkTimeoutMs: 40 } });
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    s.socket().emit('connection.update', { qr: 'qr-1' });
    await connecting;
    s.socket().emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(515), date: new Date() },
    });
    expect(s.sockets).toHaveLength(2);
    await waitFor(() => s.sink.connections.length > 0);
    expect(s.sink.connections[0]).toMatchObject({ state: 'closed', retryable: false, status: 'unlinked' });
    expect(s.socket().listenerCount()).toBe(0);
  });

  it('keeps the creds Baileys updates (creds.update) in the auth store', async () => {
    const s = setup();
    await opened(s);
    const creds = s.socket().config.auth!.creds;
    creds.me = { id: '15550001234:3@s.whatsapp.net' };
    s.socket().emit('creds.update', { me: creds.me });
    const auth = s.ctx.auth as ReturnType<typeof memoryAuthState>;
    await waitFor(() => auth.data.has('creds'));
    expect(auth.data.get('creds')!.toString()).toContain('15550001234:3@s.whatsapp.net');
    await s.connector.disconnect();
  });
});

describe('Baileys connector: disconnect policy', () => {
  it('401 logged out: clears the auth state and parks as logged_out', async () => {
    const s = setup();
    await opened(s);
    const auth = s.ctx.auth as ReturnType<typeof memoryAuthState>;
    await auth.save([{ key: 'session-x', value: Buffer.from('k') }]);
    s.socket().emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(401), date: new Date() },
    });
    await waitFor(() => s.sink.connections.length === 2);
    expect(s.sink.connections[1]).toMatchObject({ state: 'closed', retryable: false, status: 'logged_out' });
    expect(auth.data.size).toBe(0);
    expect(s.sockets).toHaveLength(1);
  });

  it('440 replaced: parks as replaced without touching the auth state', async () => {
    const s = setup();
    await opened(s);
    const auth = s.ctx.auth as ReturnType<typeof memoryAuthState>;
    await auth.save([{ key: 'session-x', value: Buffer.from('k') }]);
    s.socket().emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(440), date: new Date() },
    });
    await waitFor(() => s.sink.connections.length === 2);
    expect(s.sink.connections[1]).toMatchObject({ state: 'closed', retryable: false, status: 'replaced' });
    expect(auth.data.has('session-x')).toBe(true);
    expect(s.sockets).toHaveLength(1);
  });

  it('515 restart required: a new socket at once, no failure reported; a 515 storm becomes a close', async () => {
    const s = setup();
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    s.socket().emit('connection.update', { qr: 'qr-1' });
    await connecting;
    const first = s.socket();
    first.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(515), date: new Date() },
    });
    expect(s.sockets).toHaveLength(2);
    expect(first.listenerCount()).toBe(0);
    expect(s.sink.connections).toEqual([]);
    s.socket().emit('connection.update', { connection: 'open' });
    expect(s.sink.connections).toEqual([{ state: 'open' }]);
    expect(s.sink.links.at(-1)).toBeUndefined();

    for (let i = 0; i < 4; i++) {
      s.socket().emit('connection.update', {
        connection: 'close',
        lastDisconnect: { error: boom(515), date: new Date() },
      });
    }
    await waitFor(() => s.sink.connections.length === 2);
    expect(s.sockets).toHaveLength(5); // three immediate restarts, then the session decides
    expect(s.sink.connections[1]).toMatchObject({ state: 'closed', retryable: true });
  });

  it('515 with a socket that cannot be rebuilt: a retryable close, not an unhandled rejection', async () => {
    const s = setup();
    await opened(s);
    const broken = new Error('bad socket config');
    (s.connector as unknown as { options: { makeSocket: () => never } }).options.makeSocket = () => {
      throw broken;
    };
    s.socket().emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(515), date: new Date() },
    });
    await waitFor(() => s.sink.connections.length === 2);
    expect(s.sink.connections[1]).toMatchObject({ state: 'closed', retryable: true, error: broken });
  });

  it.each([
    ['connection lost (408)', boom(408)],
    ['connection closed (428)', boom(428)],
    ['no status code', new Error('socket hang up')],
  ])('%s: one retryable close, and no reconnect inside the connector', async (_name, error) => {
    const s = setup();
    await opened(s);
    s.socket().emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error, date: new Date() },
    });
    await waitFor(() => s.sink.connections.length === 2);
    expect(s.sink.connections[1]).toMatchObject({ state: 'closed', retryable: true, error });
    await new Promise((r) => setTimeout(r, 20));
    expect(s.sockets).toHaveLength(1);
    expect(s.sink.connections).toHaveLength(2);
  });

  it('rejects connect when the first connection closes before opening or linking', async () => {
    const s = setup();
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    s.socket().emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: boom(408), date: new Date() },
    });
    await expect(connecting).rejects.toThrow('Connection Failure');
  });
});

describe('Baileys connector: disconnect', () => {
  it('ends the socket, leaves no listener and no timer, and is idempotent', async () => {
    const s = setup({ config: { linkTimeoutMs: 30 } });
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    expect(s.socket().listenerCount()).toBeGreaterThan(0);
    s.socket().emit('connection.update', { qr: 'qr-1' });
    await connecting;
    await s.connector.disconnect();
    await s.connector.disconnect();
    expect(s.socket().ended).toBe(1);
    expect(s.socket().listenerCount()).toBe(0);
    await new Promise((r) => setTimeout(r, 60)); // past the link timeout: nothing fires
    expect(s.sink.connections).toEqual([]);
  });

  it('a pending connect rejects on disconnect', async () => {
    const s = setup();
    const connecting = s.connector.connect(s.sink);
    await waitFor(() => s.sockets.length === 1);
    await s.connector.disconnect();
    await expect(connecting).rejects.toThrow('disconnected');
  });
});

describe('Baileys connector: inbound', () => {
  const GROUP = { remoteJid: '120363012345678901@g.us', participant: '15550002222@s.whatsapp.net' };

  async function receive(s: ReturnType<typeof setup>, ...messages: ReturnType<typeof waMessage>[]) {
    const before = s.sink.inbounds.length;
    s.socket().emit('messages.upsert', { messages, type: 'notify' });
    await waitFor(() => s.sink.inbounds.length >= before + messages.filter((m) => !m.key.fromMe).length);
    await new Promise((r) => setTimeout(r, 5));
    return s.sink.inbounds.slice(before);
  }

  it('maps text, quoted text, group senders and one-to-one chats as E.164', async () => {
    const s = setup();
    await opened(s);
    const [text, quoted, group] = await receive(
      s,
      waMessage('m1', { conversation: 'hello' }),
      waMessage('m2', { extendedTextMessage: { text: 'reply', contextInfo: { stanzaId: 'm1' } } }),
      waMessage('m3', { conversation: 'hi all' }, GROUP),
    );
    expect(text).toEqual({
      id: 'm1',
      chat: '+15550001111',
      sender: '+15550001111',
      kind: 'text',
      body: 'hello',
      timestamp: 1_700_000_123_000,
    });
    expect(quoted).toMatchObject({ id: 'm2', kind: 'text', body: 'reply', quotedId: 'm1' });
    expect(group).toMatchObject({ chat: '120363012345678901@g.us', sender: '+15550002222', body: 'hi all' });
    await s.connector.disconnect();
  });

  it('unwraps disappearing, view-once and wrapped edits as Baileys delivers them', async () => {
    const s = setup();
    await opened(s);
    const got = await receive(
      s,
      waMessage('eph', { ephemeralMessage: { message: { conversation: 'vanishing' } } }),
      waMessage('once', { viewOnceMessageV2: { message: { conversation: 'once' } } }),
      waMessage('wrapped-edit', {
        editedMessage: {
          message: {
            protocolMessage: {
              type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
              key: { id: 'eph' },
              editedMessage: { extendedTextMessage: { text: 'vanishing, edited' } },
            },
          },
        },
      }),
    );
    expect(got.map((m) => [m.id, m.kind, m.body])).toEqual([
      ['eph', 'text', 'vanishing'],
      ['once', 'text', 'once'],
      ['wrapped-edit', 'text', 'vanishing, edited'],
    ]);
    expect(got[2]!.meta).toEqual({ edited: true, targetId: 'eph' });
    await s.connector.disconnect();
  });

  it('takes what arrived while offline (append); ignores our own, statuses, channels, protocol chatter', async () => {
    const s = setup();
    await opened(s);
    s.socket().emit('messages.upsert', {
      messages: [waMessage('offline', { conversation: 'x' })],
      type: 'append',
    });
    s.socket().emit('messages.upsert', {
      messages: [
        waMessage('mine', { conversation: 'x' }, { remoteJid: '15550001111@s.whatsapp.net', fromMe: true }),
        waMessage('story', { conversation: 'x' }, { remoteJid: 'status@broadcast' }),
        waMessage('channel', { conversation: 'x' }, { remoteJid: '120363000000000000@newsletter' }),
        waMessage('sync', {
          protocolMessage: { type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION },
        }),
        waMessage('last', { conversation: 'seen' }),
      ],
      type: 'notify',
    });
    await waitFor(() => s.sink.inbounds.length === 2);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.sink.inbounds.map((m) => m.id)).toEqual(['offline', 'last']);
    await s.connector.disconnect();
  });

  it('maps location, contact cards, reactions, edits, deletes and unknown kinds', async () => {
    const s = setup();
    await opened(s);
    const vcard =
      'BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nTEL;type=CELL;waid=15550003333:+1 555 000 3333\nEND:VCARD';
    const got = await receive(
      s,
      waMessage('loc', { locationMessage: { degreesLatitude: 52.5, degreesLongitude: 13.4, name: 'Here' } }),
      waMessage('card', { contactMessage: { displayName: 'Ann', vcard } }),
      waMessage('react', { reactionMessage: { text: '👍', key: { id: 'out-1', fromMe: true } } }),
      waMessage('unreact', { reactionMessage: { text: '', key: { id: 'out-1', fromMe: true } } }),
      waMessage('edit', {
        protocolMessage: {
          type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
          key: { id: 'm1' },
          editedMessage: { conversation: 'hello, fixed' },
        },
      }),
      waMessage('del', {
        protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'm1' } },
      }),
      waMessage('poll', { pollCreationMessage: { name: 'Lunch?', options: [{ optionName: 'yes' }] } }),
    );
    expect(got.map((m) => [m.id, m.kind])).toEqual([
      ['loc', 'location'],
      ['card', 'contact'],
      ['react', 'reaction'],
      ['unreact', 'reaction'],
      ['edit', 'text'],
      ['del', 'unsupported'],
      ['poll', 'unsupported'],
    ]);
    expect(got[0]!.meta).toEqual({ latitude: 52.5, longitude: 13.4, name: 'Here' });
    expect(got[1]).toMatchObject({
      body: 'Ann',
      meta: { contacts: [{ name: 'Ann', vcard, phone: '+15550003333' }] },
    });
    expect(got[2]).toMatchObject({ body: '👍', meta: { targetId: 'out-1' } });
    expect(got[3]).toMatchObject({ meta: { targetId: 'out-1', removed: true } });
    expect(got[4]).toMatchObject({ body: 'hello, fixed', meta: { edited: true, targetId: 'm1' } });
    expect(got[5]).toMatchObject({ meta: { deleted: true, targetId: 'm1' } });
    expect(got[6]).toMatchObject({ meta: { type: 'pollCreationMessage' } });
    await s.connector.disconnect();
  });

  it.each([
    ['image', { imageMessage: { mimetype: 'image/png', caption: 'look', url: 'https://x/y' } }, 'image/png'],
    ['video', { videoMessage: { mimetype: 'video/mp4', url: 'https://x/y' } }, 'video/mp4'],
    ['audio', { audioMessage: { mimetype: 'audio/mpeg', url: 'https://x/y' } }, 'audio/mpeg'],
    ['audio', { audioMessage: { ptt: true, url: 'https://x/y' } }, 'audio/ogg; codecs=opus'],
    [
      'document',
      { documentMessage: { mimetype: 'application/pdf', fileName: 'a.pdf', url: 'https://x/y' } },
      'application/pdf',
    ],
    ['sticker', { stickerMessage: { url: 'https://x/y' } }, 'image/webp'],
  ])('streams %s media into the media store under its sha256', async (kind, message, mime) => {
    const s = setup({ media: Buffer.from(`bytes of a ${kind} ${mime}`) });
    await opened(s);
    const [got] = await receive(s, waMessage('media-1', message));
    const sha256 = createHash('sha256').update(s.media).digest('hex');
    expect(got).toMatchObject({ kind, media: { sha256, size: s.media.length, mime } });
    expect(existsSync(s.ctx.media.path(sha256))).toBe(true);
    expect(s.downloads).toEqual(['media-1']);
    if (kind === 'image') expect(got!.body).toBe('look');
    if (kind === 'document') expect(got!.media?.fileName).toBe('a.pdf');
    if (mime.startsWith('audio/ogg')) expect(got!.meta).toEqual({ voice: true });
    await s.connector.disconnect();
  });

  it('keeps a message whose media is too large, without media and with the reason', async () => {
    const s = setup({ config: { maxMediaBytes: 4 }, media: Buffer.from('far too many bytes') });
    await opened(s);
    const [got] = await receive(s, waMessage('big', { imageMessage: { url: 'https://x/y' } }));
    expect(got!.kind).toBe('image');
    expect(got!.media).toBeUndefined();
    expect(got!.meta?.mediaError).toMatch(/larger than 4 bytes/);
    await s.connector.disconnect();
  });

  it('delivers one message at a time, each only after the previous one is durable', async () => {
    const s = setup();
    s.sink.hold = true;
    await opened(s);
    s.socket().emit('messages.upsert', {
      messages: [waMessage('a', { conversation: '1' }), waMessage('b', { conversation: '2' })],
      type: 'notify',
    });
    await waitFor(() => s.sink.pending.length === 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.sink.inbounds.map((m) => m.id)).toEqual(['a']);
    s.sink.pending[0]!.resolve();
    await waitFor(() => s.sink.pending.length === 2);
    s.sink.pending[1]!.resolve();
    await waitFor(() => s.sink.events.includes('durable:b'));
    expect(s.sink.events.filter((e) => e.startsWith('inbound') || e.startsWith('durable'))).toEqual([
      'inbound:a',
      'durable:a',
      'inbound:b',
      'durable:b',
    ]);
    await s.connector.disconnect();
  });

  it('reports delivered and read for our messages from messages.update and message-receipt.update', async () => {
    const s = setup();
    await opened(s);
    const ours = { remoteJid: '15550001111@s.whatsapp.net', fromMe: true, id: 'out-1' };
    const S = proto.WebMessageInfo.Status;
    s.socket().emit('messages.update', [
      { key: ours, update: { status: S.SERVER_ACK } },
      { key: ours, update: { status: S.DELIVERY_ACK } },
      { key: { ...ours, fromMe: false, id: 'theirs' }, update: { status: S.READ } },
      { key: ours, update: { status: S.READ } },
    ]);
    s.socket().emit('message-receipt.update', [
      { key: { ...ours, id: 'out-2' }, receipt: { userJid: 'x', receiptTimestamp: 1 } },
      { key: { ...ours, id: 'out-2' }, receipt: { userJid: 'x', readTimestamp: 2 } },
    ]);
    expect(s.sink.statuses.map((u) => `${u.id}:${u.status}`)).toEqual([
      'out-1:delivered',
      'out-1:read',
      'out-2:delivered',
      'out-2:read',
    ]);
    await s.connector.disconnect();
  });

  it("serves Baileys' getMessage retries from the stored outbound text", async () => {
    const stored = { id: 'out-1', body: 'the original', direction: 'out' } as Message;
    const s = setup({
      ctx: { getMessage: async (dir, id) => (dir === 'out' && id === 'out-1' ? stored : undefined) },
    });
    await opened(s);
    const getMessage = s.socket().config.getMessage!;
    const found = await getMessage({ id: 'out-1', remoteJid: '1@s.whatsapp.net', fromMe: true });
    expect(found).toBeInstanceOf(proto.Message);
    expect(found?.conversation).toBe('the original');
    expect(await getMessage({ id: 'nope' })).toBeUndefined();
    await s.connector.disconnect();
  });
});

describe('Baileys connector: send', () => {
  const out = { account: 'wa', to: '+15550001111' };

  it('sends with the outbox id as messageId and quotes the stored message', async () => {
    const quoted = { id: 'in-1', body: 'question', direction: 'in', sender: '+15550001111' } as Message;
    const s = setup({
      ctx: { getMessage: async (dir, id) => (dir === 'in' && id === 'in-1' ? quoted : undefined) },
    });
    await opened(s);
    const receipt = await s.connector.send({
      ...out,
      id: 'LINDA-1',
      kind: 'text',
      body: 'answer',
      quotedId: 'in-1',
    });
    expect(receipt).toEqual({ id: 'LINDA-1', timestamp: 1_700_000_000_000 });
    const [call] = s.socket().sent;
    expect(call!.jid).toBe('15550001111@s.whatsapp.net');
    expect(call!.content).toEqual({ text: 'answer' });
    expect(call!.options.messageId).toBe('LINDA-1');
    expect(call!.options.quoted).toEqual({
      key: { remoteJid: '15550001111@s.whatsapp.net', id: 'in-1', fromMe: false },
      message: { conversation: 'question' },
    });
    await s.connector.disconnect();
  });

  it('sends reactions to the target key, and media as a stream from the media store', async () => {
    const s = setup();
    await opened(s);
    const ref = await s.ctx.media.put(Readable.from([Buffer.from('png bytes')]), {
      mime: 'image/png',
      maxBytes: 1000,
    });
    await s.connector.send({ ...out, id: 'R1', kind: 'reaction', body: '❤️', meta: { targetId: 'in-9' } });
    await s.connector.send({
      ...out,
      to: '120363012345678901@g.us',
      id: 'I1',
      kind: 'image',
      body: 'cap',
      media: ref,
    });
    const [react, image] = s.socket().sent;
    expect(react!.content).toEqual({
      react: { text: '❤️', key: { remoteJid: '15550001111@s.whatsapp.net', id: 'in-9', fromMe: false } },
    });
    expect(react!.options.messageId).toBe('R1');
    expect(image!.jid).toBe('120363012345678901@g.us');
    const content = image!.content as { image: { stream: Readable }; caption: string; mimetype: string };
    expect(content.caption).toBe('cap');
    expect(content.mimetype).toBe('image/png');
    const chunks: Buffer[] = [];
    for await (const c of content.image.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('png bytes');
    await s.connector.disconnect();
  });

  it('fails retryably when not connected or on network errors, permanently when the message cannot work', async () => {
    const s = setup();
    await expect(s.connector.send({ ...out, id: 'x', kind: 'text', body: 'a' })).rejects.toMatchObject({
      code: 'SESSION_NOT_READY',
      retryable: true,
    });
    await opened(s);
    s.socket().sendError = boom(408, 'timed out');
    await expect(s.connector.send({ ...out, id: 'x', kind: 'text', body: 'a' })).rejects.toMatchObject({
      name: 'ConnectorError',
      retryable: true,
    });
    s.socket().sendError = boom(400, 'bad request');
    await expect(s.connector.send({ ...out, id: 'x', kind: 'text', body: 'a' })).rejects.toMatchObject({
      retryable: false,
    });
    s.socket().sendError = undefined;
    await expect(s.connector.send({ ...out, id: 'x', kind: 'receipt' })).rejects.toMatchObject({
      retryable: false,
    });
    const missing = { sha256: 'a'.repeat(64), size: 1, mime: 'image/png' };
    await expect(s.connector.send({ ...out, id: 'y', kind: 'image', media: missing })).rejects.toMatchObject({
      retryable: false,
    });
    await s.connector.disconnect();
  });
});

describe('baileysConnectorFactory', () => {
  it('loads baileys lazily: only type imports at module level, the module itself inside connect', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../../src/connectors/baileys');
    const sources = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    const valueImports = sources.flatMap((src) => src.match(/^import (?!type )[^;]*from 'baileys'/gm) ?? []);
    expect(valueImports).toEqual([]);
    expect(sources.some((src) => src.includes("await import('baileys')"))).toBe(true);
  });

  it('paces at most one message a second and rejects a bad config', () => {
    const rate = baileysConnectorFactory.defaultSendRate!;
    expect(rate.points / rate.durationMs).toBeLessThanOrEqual(1 / 1000);
    expect(() => baileysConnectorFactory(testContext('wa', { pairingPhone: '0123' }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(baileysConnectorFactory(testContext('wa', {})).kind).toBe('baileys');
  });
});
