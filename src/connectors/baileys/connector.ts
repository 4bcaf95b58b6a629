import type { Readable } from 'node:stream';
import type { BaileysEventMap, WAMessage, WAMessageKey } from 'baileys';
import { ConnectorError, errorMessage, isLindaError } from '../../domain/errors.js';
import type { OutboundMessage, StatusUpdate } from '../../domain/message.js';
import type { Connector, ConnectorContext, ConnectorSink, SendReceipt } from '../types.js';
import { createStoreAuthState, type StoreAuthState } from './auth-state.js';
import { closeAction, statusCodeOf } from './disconnect-policy.js';
import { FirstContactPacer } from './first-contact.js';
import { timestampMs, toInbound } from './inbound.js';
import { toOutbound } from './outbound.js';
import type { BaileysConfig, BaileysConnectorOptions, BaileysModule, BaileysSocket } from './types.js';

/** 515s in a row (without an open in between) handled by an immediate restart. */
const MAX_RESTARTS = 3;
/** Boom codes of a send that will fail the same way again. */
const PERMANENT_SEND = new Set([400, 403, 404, 406, 413]);

type Handlers = { [E in keyof BaileysEventMap]?: (arg: BaileysEventMap[E]) => void };

/**
 * WhatsApp Web multi-device through Baileys. `connect` resolves once the socket is open, or once
 * linking has begun (a QR or pairing code is on offer), so an engine start never waits on a human.
 * Reconnects are the session's job; the only reconnect here is Baileys' 515 "restart required".
 */
export class BaileysConnector implements Connector {
  readonly kind = 'baileys';
  private lib: BaileysModule | undefined;
  private auth: StoreAuthState | undefined;
  private sink: ConnectorSink | undefined;
  private sock: BaileysSocket | undefined;
  private handlers: Handlers = {};
  private open = false;
  private done = false;
  private restarts = 0;
  private linkTimer: NodeJS.Timeout | undefined;
  private showingLink = false;
  private pairingRequested = false;
  private pending: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private readonly firstContact: FirstContactPacer;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly config: BaileysConfig,
    private readonly options: BaileysConnectorOptions = {},
  ) {
    this.firstContact = new FirstContactPacer(ctx.auth, config.firstContactDelayMs);
  }

  /** Reconnect attempts made inside the connector (515 restarts); for tests and diagnostics. */
  get restartCount(): number {
    return this.restarts;
  }

  async connect(sink: ConnectorSink): Promise<void> {
    if (this.done || this.sink !== undefined) throw new ConnectorError('connect', 'connector already used');
    this.sink = sink;
    this.lib = this.options.lib ?? (await import('baileys'));
    this.auth = await createStoreAuthState(this.ctx.auth, this.lib);
    if (this.done) throw new ConnectorError('connect', 'disconnected while connecting');
    await new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.openSocket();
    });
  }

  async disconnect(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.firstContact.stop();
    this.clearLinkTimer();
    this.stopSocket();
    this.settle(new ConnectorError('connect', 'disconnected'));
    await this.inbound;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const sock = this.sock;
    if (sock === undefined || !this.open) {
      throw new ConnectorError('send', 'WhatsApp is not connected', {
        retryable: true,
        code: 'SESSION_NOT_READY',
      });
    }
    let sent: WAMessage | undefined;
    try {
      const call = await toOutbound(message, this.ctx);
      await this.firstContact.beforeSend(call.jid);
      sent = await sock.sendMessage(call.jid, call.content, call.options);
      await this.firstContact.afterSend(call.jid).catch((err: unknown) => {
        this.ctx.logger.warn({ err }, 'could not remember a first contact');
      });
    } catch (err) {
      if (err instanceof ConnectorError) throw err;
      const code = statusCodeOf(err);
      const missingMedia = isLindaError(err) && err.code === 'NOT_FOUND';
      throw new ConnectorError('send', `send failed: ${errorMessage(err)}`, {
        retryable: !missingMedia && (code === undefined || !PERMANENT_SEND.has(code)),
        cause: err,
        ...(code === undefined ? {} : { details: { statusCode: code } }),
      });
    }
    return { id: sent?.key.id ?? message.id, timestamp: timestampMs(sent?.messageTimestamp) };
  }

  // --- socket lifecycle ----------------------------------------------------------------------

  private openSocket(): void {
    const lib = this.lib!;
    const make = this.options.makeSocket ?? lib.makeWASocket;
    const logger = this.ctx.logger.child({ module: 'baileys' }, { level: this.config.logLevel });
    const sock = make({
      auth: this.auth!.state,
      logger: logger as never,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      getMessage: (key) => this.storedMessage(key),
    });
    this.sock = sock;
    this.handlers = {
      'connection.update': (update) => this.onConnection(sock, update),
      'creds.update': () => {
        this.auth
          ?.saveCreds()
          .catch((err: unknown) => this.ctx.logger.error({ err }, 'could not save creds'));
      },
      // 'append' too: Baileys 7 delivers what arrived while we were offline as 'append'
      // (messages-recv: `node.attrs.offline ? 'append' : 'notify'`); our own sends are fromMe.
      'messages.upsert': ({ messages }) => {
        for (const m of messages) {
          if (m.key.fromMe !== true && typeof m.key.remoteJid === 'string')
            this.firstContact.noteInbound(m.key.remoteJid);
        }
        this.inbound = this.inbound.then(() => this.deliver(sock, messages));
      },
      'messages.update': (updates) => {
        for (const { key, update } of updates) {
          if (update.status != null) this.receipt(key, update.status);
        }
      },
      'message-receipt.update': (receipts) => {
        for (const { key, receipt } of receipts) {
          const read = receipt.readTimestamp != null || receipt.playedTimestamp != null;
          this.receipt(key, read ? 4 : 3);
        }
      },
    };
    for (const [event, handler] of Object.entries(this.handlers)) {
      sock.ev.on(event as keyof BaileysEventMap, handler as never);
    }
  }

  /** Detaches our listeners from the live socket and ends it. */
  private stopSocket(): void {
    const sock = this.sock;
    this.sock = undefined;
    this.open = false;
    if (sock === undefined) return;
    for (const [event, handler] of Object.entries(this.handlers)) {
      sock.ev.off(event as keyof BaileysEventMap, handler as never);
    }
    this.handlers = {};
    try {
      Promise.resolve(sock.end(undefined)).catch(() => {});
    } catch {
      // an already-closed socket may throw; it is gone either way
    }
  }

  private onConnection(sock: BaileysSocket, update: BaileysEventMap['connection.update']): void {
    if (sock !== this.sock || this.done) return;
    if (update.qr !== undefined) this.linkingStarted(sock, update.qr);
    if (update.connection === 'open') {
      this.open = true;
      this.restarts = 0;
      this.clearLinkTimer();
      if (this.showingLink) this.sink?.linking(undefined);
      this.showingLink = false;
      this.settle();
      this.sink?.connection('open');
    } else if (update.connection === 'close') {
      void this.onClose(update.lastDisconnect?.error);
    }
  }

  private async onClose(reason: Error | undefined): Promise<void> {
    let error = reason;
    const action = closeAction(error);
    if (action.action === 'restart' && this.restarts < MAX_RESTARTS) {
      this.restarts++;
      this.ctx.logger.info({ restarts: this.restarts }, 'WhatsApp asked for a restart; reconnecting now');
      this.stopSocket();
      try {
        this.openSocket();
        return;
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err)); // reported as a retryable close
      }
    }
    const closeError = error ?? new Error('connection closed');
    if (action.action === 'close' && !action.retryable) {
      this.stopSocket();
      if (action.clearAuth) {
        await this.auth
          ?.clear()
          .catch((err: unknown) => this.ctx.logger.error({ err }, 'could not clear auth'));
      }
      this.finish(closeError, { error: closeError, retryable: false, status: action.status });
      return;
    }
    this.stopSocket();
    this.finish(closeError, { error: closeError, retryable: true });
  }

  /** Reports the close (once) and stops calling the sink. */
  private finish(error: Error, info: Parameters<ConnectorSink['connection']>[1]): void {
    if (this.done) return;
    this.done = true;
    this.firstContact.stop();
    this.clearLinkTimer();
    const sink = this.sink;
    if (this.showingLink) sink?.linking(undefined);
    this.showingLink = false;
    sink?.connection('closed', info);
    this.settle(error);
  }

  /** The link timeout spans 515 restarts: only opening, closing for good or disconnecting ends it. */
  private clearLinkTimer(): void {
    if (this.linkTimer !== undefined) clearTimeout(this.linkTimer);
    this.linkTimer = undefined;
  }

  private settle(error?: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    if (error === undefined) pending.resolve();
    else pending.reject(error);
  }

  // --- linking -------------------------------------------------------------------------------

  private linkingStarted(sock: BaileysSocket, qr: string): void {
    this.linkTimer ??= setTimeout(() => this.linkTimedOut(), this.config.linkTimeoutMs);
    const phone = this.config.pairingPhone;
    if (phone === undefined) {
      this.showLink({ qr });
      return;
    }
    if (this.pairingRequested) return;
    this.pairingRequested = true;
    sock.requestPairingCode(phone.replace(/^\+/, '')).then(
      (pairingCode) => {
        if (sock === this.sock && !this.done) this.showLink({ pairingCode });
      },
      (err: unknown) => {
        if (sock !== this.sock || this.done) return;
        this.stopSocket();
        const error = new ConnectorError('connect', `pairing code request failed: ${errorMessage(err)}`, {
          cause: err,
        });
        this.finish(error, { error, retryable: true });
      },
    );
  }

  private showLink(info: { qr?: string; pairingCode?: string }): void {
    this.showingLink = true;
    this.sink?.linking(info);
    this.settle(); // linking is under way: the engine need not wait for a human
  }

  private linkTimedOut(): void {
    this.linkTimer = undefined;
    if (this.done || this.open) return;
    this.stopSocket();
    const error = new ConnectorError(
      'connect',
      `no device linked within ${Math.round(this.config.linkTimeoutMs / 1000)} s`,
      { retryable: false },
    );
    this.finish(error, { error, retryable: false, status: 'unlinked' });
  }

  // --- messages ------------------------------------------------------------------------------

  private async deliver(sock: BaileysSocket, messages: WAMessage[]): Promise<void> {
    for (const msg of messages) {
      if (this.done) return;
      try {
        const inbound = await toInbound(msg, this.lib!, (m, mime, fileName) =>
          this.saveMedia(sock, m, mime, fileName),
        );
        if (inbound !== undefined && !this.done) await this.sink?.inbound(inbound);
      } catch (err) {
        this.ctx.logger.error({ err, id: msg.key.id }, 'inbound message not stored');
      }
    }
  }

  private async saveMedia(sock: BaileysSocket, msg: WAMessage, mime: string, fileName: string | undefined) {
    const download =
      this.options.downloadMedia ??
      ((m: WAMessage, s: BaileysSocket): Promise<Readable> =>
        this.lib!.downloadMediaMessage(
          m,
          'stream',
          {},
          {
            logger: this.ctx.logger as never,
            reuploadRequest: (x) => (s.updateMediaMessage ? s.updateMediaMessage(x) : Promise.resolve(x)),
          },
        ));
    const stream = await download(msg, sock);
    return this.ctx.media.put(stream, { mime, fileName, maxBytes: this.config.maxMediaBytes });
  }

  /** WebMessageInfo.Status: 0 error, 3 delivered, 4 read, 5 played. */
  private receipt(key: WAMessageKey, status: number): void {
    if (!key.fromMe || !key.id || this.done) return;
    const mapped: StatusUpdate['status'] | undefined =
      status === 0 ? 'failed' : status === 3 ? 'delivered' : status >= 4 ? 'read' : undefined;
    if (mapped !== undefined) this.sink?.status({ id: key.id, status: mapped, timestamp: Date.now() });
  }

  /** Baileys' `getMessage`: the text of a message we sent, for the recipient's retry requests. */
  private async storedMessage(key: WAMessageKey) {
    if (!key.id) return undefined;
    const stored = await this.ctx.getMessage('out', key.id);
    if (stored?.body === undefined) return undefined;
    return this.lib!.proto.Message.create({ conversation: stored.body });
  }
}
