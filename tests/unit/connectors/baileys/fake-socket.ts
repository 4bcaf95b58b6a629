import { EventEmitter } from 'node:events';
import type {
  AnyMessageContent,
  BaileysEventEmitter,
  BaileysEventMap,
  MiscMessageGenerationOptions,
  UserFacingSocketConfig,
  WAMessage,
} from 'baileys';
import * as baileys from 'baileys';
import type { BaileysSocket } from '../../../../src/connectors/baileys/index.js';

/** Baileys, imported eagerly for the tests (the connector itself imports it lazily). */
export const lib = baileys;
export const { proto } = baileys;

/** A close error as Baileys raises it: a Boom with `output.statusCode`. */
export function boom(statusCode: number, message = 'Connection Failure'): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: {} } });
}

/**
 * A socket with no network: `ev` is an EventEmitter with Baileys' emitter API, so the test emits
 * exactly what Baileys would, and can count the listeners left behind.
 */
export class FakeSocket implements BaileysSocket {
  readonly emitter = new EventEmitter();
  readonly ev = this.emitter as unknown as BaileysEventEmitter;
  readonly sent: Array<{ jid: string; content: AnyMessageContent; options: MiscMessageGenerationOptions }> =
    [];
  readonly pairingRequests: string[] = [];
  ended = 0;
  sendError: Error | undefined;

  constructor(readonly config: UserFacingSocketConfig) {}

  emit<E extends keyof BaileysEventMap>(event: E, arg: BaileysEventMap[E]): void {
    this.ev.emit(event, arg);
  }

  end(): void {
    this.ended++;
  }

  async sendMessage(
    jid: string,
    content: AnyMessageContent,
    options: MiscMessageGenerationOptions = {},
  ): Promise<WAMessage | undefined> {
    if (this.sendError !== undefined) throw this.sendError;
    this.sent.push({ jid, content, options });
    return proto.WebMessageInfo.fromObject({
      key: { remoteJid: jid, fromMe: true, id: options.messageId ?? 'generated' },
      messageTimestamp: 1_700_000_000,
    }) as WAMessage;
  }

  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    return 'ABCD1234';
  }

  /** Listeners still attached, over every event. */
  listenerCount(): number {
    return this.emitter.eventNames().reduce((n, e) => n + this.emitter.listenerCount(e), 0);
  }
}

/** A `makeSocket` seam recording every socket it made. */
export function socketFactory(): {
  sockets: FakeSocket[];
  makeSocket: (c: UserFacingSocketConfig) => FakeSocket;
} {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    makeSocket: (config) => {
      const s = new FakeSocket(config);
      sockets.push(s);
      return s;
    },
  };
}

/** A `WAMessage` as Baileys delivers it, built with Baileys' own protobuf classes. */
export function waMessage(
  id: string,
  message: Record<string, unknown>,
  key: Record<string, unknown> = { remoteJid: '15550001111@s.whatsapp.net' },
): WAMessage {
  return proto.WebMessageInfo.fromObject({
    key: { fromMe: false, id, ...key },
    message: proto.Message.create(proto.Message.fromObject(message)),
    messageTimestamp: 1_700_000_123,
  }) as WAMessage;
}
