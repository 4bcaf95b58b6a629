import type { Readable } from 'node:stream';
import type {
  AnyMessageContent,
  BaileysEventEmitter,
  MiscMessageGenerationOptions,
  UserFacingSocketConfig,
  WAMessage,
} from 'baileys';

/** The `baileys` module, loaded lazily by the connector. */
export type BaileysModule = typeof import('baileys');

/** The part of Baileys' socket the connector uses (tests give a fake with Baileys' own emitter). */
export interface BaileysSocket {
  ev: BaileysEventEmitter;
  end(error: Error | undefined): unknown;
  sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined>;
  requestPairingCode(phone: string): Promise<string>;
  updateMediaMessage?(message: WAMessage): Promise<WAMessage>;
}

/** Internal seams of the connector; production code leaves them unset. */
export interface BaileysConnectorOptions {
  /** Defaults to the lazily imported `baileys` module. */
  lib?: BaileysModule;
  /** Defaults to Baileys' `makeWASocket`. */
  makeSocket?: (config: UserFacingSocketConfig) => BaileysSocket;
  /** Defaults to Baileys' `downloadMediaMessage(message, 'stream', …)`. */
  downloadMedia?: (
    message: WAMessage,
    socket: BaileysSocket,
  ) => Promise<Readable | AsyncIterable<Uint8Array>>;
}

/** What `config` of a Baileys account may hold. */
export interface BaileysConfig {
  /** E.164 number to link with a pairing code instead of a QR code. */
  pairingPhone?: string;
  /** How long linking may take before the account parks as `unlinked`; default 3 minutes. */
  linkTimeoutMs: number;
  /** Largest inbound media file stored; larger ones arrive as `unsupported`. Default 64 MiB. */
  maxMediaBytes: number;
  /** Level of Baileys' own logs (noisy); default `warn`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Pause before the first message to a number that never wrote to this account; default 5 s. */
  firstContactDelayMs: number;
}
