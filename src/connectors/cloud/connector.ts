import { openAsBlob } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { ConnectorError, errorMessage, LindaError } from '../../domain/errors.js';
import type { InboundMessage, MediaRef, OutboundMessage } from '../../domain/message.js';
import type { Connector, ConnectorContext, ConnectorSink, SendReceipt, WebhookReceiver } from '../types.js';
import type { CloudConfig } from './config.js';
import type { GraphClient } from './graph-client.js';
import { isAuthFailure } from './graph-errors.js';
import { outboundBody } from './outbound.js';
import { answerVerification, assertSignature } from './signature.js';
import {
  type CloudChangeValue,
  type CloudMessage,
  mediaOf,
  toInbound,
  toStatus,
  valuesFor,
} from './webhook-payload.js';

/** wamids remembered in memory; older ones are still found in the auth store. */
const WAMID_CACHE = 10_000;
const wamidKey = (wamid: string) => `wamid:${wamid}`;
const sentKey = (id: string) => `sent:${id}`;

/**
 * The official WhatsApp Business Cloud API: sends through the Graph API, receives through Meta's
 * webhooks (`WebhookReceiver`). The Cloud API assigns its own message id (wamid), so the connector
 * keeps wamid → Linda id (memory LRU backed by the account's auth store) to report statuses under
 * the outbox id, and Linda id → wamid so a resend after a crash does not send twice.
 */
export class CloudConnector implements Connector, WebhookReceiver {
  readonly kind = 'cloud';
  private sink: ConnectorSink | undefined;
  private readonly toLinda = new LRUCache<string, string>({ max: WAMID_CACHE });

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly config: CloudConfig,
    private readonly graph: GraphClient,
  ) {}

  async connect(sink: ConnectorSink): Promise<void> {
    this.sink = sink;
    try {
      // A cheap check that the token works: the phone number's own node.
      await this.graph.get('connect', `${this.config.phoneNumberId}?fields=id`);
    } catch (err) {
      if (isAuthFailure(err)) {
        // Not a rejection: a rejected connect is retried, a bad token will not heal by itself.
        this.authFailed(err);
        return;
      }
      this.ctx.logger.warn({ err }, 'cloud API check failed; webhooks and sends may still work');
    }
    sink.connection('open');
  }

  async disconnect(): Promise<void> {
    this.sink = undefined;
  }

  verifyWebhook(query: Record<string, string | undefined>): string {
    return answerVerification(query, this.config.verifyToken);
  }

  async receiveWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<void> {
    assertSignature(rawBody, headers, this.config.appSecret);
    const values = valuesFor(rawBody, this.config.phoneNumberId);
    const sink = this.sink;
    if (sink === undefined) {
      throw new LindaError('SESSION_NOT_READY', `account ${this.ctx.account} is not connected`);
    }
    const inbound: Array<Promise<void>> = [];
    for (const value of values) {
      for (const message of value.messages ?? []) {
        inbound.push(
          this.mapMessage(message, value).then((m) => (m === undefined ? undefined : sink.inbound(m))),
        );
      }
    }
    // Settle all before answering: a failure makes Meta redeliver, and the engine dedupes by wamid.
    const results = await Promise.allSettled(inbound);
    for (const value of values) {
      for (const status of value.statuses ?? []) await this.reportStatus(sink, status);
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const keys = [
      sentKey(message.id),
      ...(message.quotedId === undefined ? [] : [sentKey(message.quotedId)]),
    ];
    const earlier = await this.ctx.auth.load(keys);
    const known = earlier.get(sentKey(message.id));
    if (known !== undefined) return { id: known.toString('utf8'), timestamp: Date.now() };
    // Quoting one of Linda's own messages: the Cloud API knows it by its wamid.
    const quotedWamid = message.quotedId === undefined ? undefined : earlier.get(sentKey(message.quotedId));
    const toSend =
      quotedWamid === undefined ? message : { ...message, quotedId: quotedWamid.toString('utf8') };

    const media = message.media === undefined ? undefined : await this.upload(message.media);
    const body = outboundBody(toSend, media);
    let answer: unknown;
    try {
      answer = await this.graph.postJson('send', `${this.config.phoneNumberId}/messages`, body);
    } catch (err) {
      if (isAuthFailure(err)) this.authFailed(err);
      throw err;
    }
    const wamid = (answer as { messages?: Array<{ id?: unknown }> } | undefined)?.messages?.[0]?.id;
    if (typeof wamid !== 'string') {
      throw new ConnectorError('send', 'Cloud API accepted the message but returned no id', {
        retryable: false,
      });
    }
    this.toLinda.set(wamid, message.id);
    await this.ctx.auth
      .save([
        { key: wamidKey(wamid), value: Buffer.from(message.id) },
        { key: sentKey(message.id), value: Buffer.from(wamid) },
      ])
      .catch((err: unknown) =>
        this.ctx.logger.warn({ err }, 'could not persist the wamid of a sent message'),
      );
    return { id: wamid, timestamp: Date.now() };
  }

  private authFailed(err: ConnectorError): void {
    this.sink?.connection('closed', { error: err, retryable: false, status: 'auth_failed' });
  }

  private async upload(ref: MediaRef): Promise<string> {
    let file: Blob;
    try {
      file = await openAsBlob(this.ctx.media.path(ref.sha256), { type: ref.mime });
    } catch (err) {
      throw new ConnectorError('upload', `media ${ref.sha256} is not stored: ${errorMessage(err)}`, {
        retryable: false,
      });
    }
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', ref.mime);
    form.append('file', file, ref.fileName ?? ref.sha256);
    let answer: unknown;
    try {
      answer = await this.graph.postForm('upload', `${this.config.phoneNumberId}/media`, form);
    } catch (err) {
      if (isAuthFailure(err)) this.authFailed(err);
      throw err;
    }
    const id = (answer as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') throw new ConnectorError('upload', 'Cloud API returned no media id');
    return id;
  }

  private async mapMessage(
    message: CloudMessage,
    value: CloudChangeValue,
  ): Promise<InboundMessage | undefined> {
    const mapped = await this.withMedia(message, value);
    if (mapped === undefined) return undefined;
    // Replies and reactions to Linda's own messages name them by wamid; handlers know the Linda id.
    if (mapped.quotedId !== undefined) {
      mapped.quotedId = (await this.lindaIdOf(mapped.quotedId)) ?? mapped.quotedId;
    }
    const target = mapped.meta?.targetId;
    if (typeof target === 'string' && mapped.meta !== undefined) {
      mapped.meta.targetId = (await this.lindaIdOf(target)) ?? target;
    }
    return mapped;
  }

  private async withMedia(
    message: CloudMessage,
    value: CloudChangeValue,
  ): Promise<InboundMessage | undefined> {
    const found = mediaOf(message);
    if (found?.media.id === undefined || typeof message.id !== 'string') return toInbound(message, value);
    // A redelivery of a message already stored: the engine drops it, so do not download again.
    if ((await this.ctx.getMessage('in', message.id)) !== undefined) return toInbound(message, value);
    try {
      const ref = await this.download(found.media.id, found.media.mime_type ?? 'application/octet-stream');
      return toInbound(message, value, { ref });
    } catch (err) {
      if (isAuthFailure(err)) this.authFailed(err);
      // Retryable (network, 5xx): fail the webhook so Meta redelivers. Otherwise keep the message.
      if (err instanceof ConnectorError && err.retryable) throw err;
      this.ctx.logger.warn({ err, id: message.id }, 'could not download inbound media');
      return toInbound(message, value, { error: errorMessage(err) });
    }
  }

  /** The Linda id of a message Linda sent as `wamid`, if it is one. */
  private async lindaIdOf(wamid: string): Promise<string | undefined> {
    const cached = this.toLinda.get(wamid);
    if (cached !== undefined) return cached;
    const stored = await this.ctx.auth.load([wamidKey(wamid)]).catch(() => new Map<string, Buffer>());
    const id = stored.get(wamidKey(wamid))?.toString('utf8');
    if (id !== undefined) this.toLinda.set(wamid, id);
    return id;
  }

  private async download(mediaId: string, mime: string): Promise<MediaRef> {
    const info = await this.graph.get('media', encodeURIComponent(mediaId));
    const url = (info as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string') throw new ConnectorError('media', 'Cloud API returned no media url');
    const stream = await this.graph.download(url);
    return this.ctx.media.put(stream, { mime, maxBytes: this.config.maxMediaBytes });
  }

  private async reportStatus(sink: ConnectorSink, status: Parameters<typeof toStatus>[0]): Promise<void> {
    const update = toStatus(status);
    if (update === undefined) return;
    const wamid = update.id;
    const id = await this.lindaIdOf(wamid);
    // Messages Linda did not send keep their wamid; the engine ignores ids it does not know.
    sink.status({ ...update, id: id ?? wamid });
  }
}
