import type { proto, WAMessage } from 'baileys';
import { errorMessage } from '../../domain/errors.js';
import {
  type InboundMessage,
  MAX_TEXT_LENGTH,
  type MediaRef,
  type MessageKind,
} from '../../domain/message.js';
import { chatOf, fromJid, senderOf } from './jid.js';
import type { BaileysModule } from './types.js';

/** Stores the media of `message` (the whole WAMessage, as Baileys downloads it). */
export type MediaSaver = (
  message: WAMessage,
  mime: string,
  fileName: string | undefined,
) => Promise<MediaRef>;

type Content = proto.IMessage;
type Lib = Pick<BaileysModule, 'normalizeMessageContent' | 'getContentType' | 'proto'>;

const MEDIA: Record<string, { kind: MessageKind; mime: string }> = {
  imageMessage: { kind: 'image', mime: 'image/jpeg' },
  videoMessage: { kind: 'video', mime: 'video/mp4' },
  audioMessage: { kind: 'audio', mime: 'audio/ogg; codecs=opus' },
  documentMessage: { kind: 'document', mime: 'application/octet-stream' },
  stickerMessage: { kind: 'sticker', mime: 'image/webp' },
};

/** Seconds (number or protobuf Long) to milliseconds; now when absent. */
export function timestampMs(ts: WAMessage['messageTimestamp']): number {
  if (ts === null || ts === undefined) return Date.now();
  const seconds = typeof ts === 'number' ? ts : Number(ts.toString());
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now();
}

/**
 * One WhatsApp message as Linda's `InboundMessage`, or undefined for what is not a user message
 * (our own, status broadcasts, channels, protocol chatter, stubs). Edits arrive as `text` with
 * `meta.edited` and `meta.targetId`; deletions as `unsupported` with `meta.deleted` and
 * `meta.targetId`. Media that cannot be fetched keeps its kind, without `media`, and says why
 * in `meta.mediaError`.
 */
export async function toInbound(
  msg: WAMessage,
  lib: Lib,
  saveMedia: MediaSaver,
): Promise<InboundMessage | undefined> {
  const { key } = msg;
  if (key.fromMe || !key.id || !key.remoteJid) return undefined;
  if (key.remoteJid === 'status@broadcast' || key.remoteJid.endsWith('@newsletter')) return undefined;
  const content = lib.normalizeMessageContent(msg.message);
  if (content === undefined) return undefined;
  const type = lib.getContentType(content);
  if (type === undefined) return undefined;
  const base = {
    id: key.id,
    chat: chatOf(key),
    sender: senderOf(key),
    timestamp: timestampMs(msg.messageTimestamp),
  };
  const quotedId = contextOf(content, type)?.stanzaId ?? undefined;
  const withQuote = quotedId ? { quotedId } : {};

  switch (type) {
    case 'conversation':
      return { ...base, kind: 'text', body: clip(content.conversation) };
    case 'extendedTextMessage':
      return { ...base, ...withQuote, kind: 'text', body: clip(content.extendedTextMessage?.text) };
    case 'locationMessage':
    case 'liveLocationMessage': {
      const loc = content[type];
      return {
        ...base,
        kind: 'location',
        meta: compact({
          latitude: loc?.degreesLatitude,
          longitude: loc?.degreesLongitude,
          name: (loc as proto.Message.ILocationMessage | undefined)?.name,
          address: (loc as proto.Message.ILocationMessage | undefined)?.address,
          live: type === 'liveLocationMessage' || undefined,
        }),
      };
    }
    case 'contactMessage':
      return {
        ...base,
        kind: 'contact',
        body: clip(content.contactMessage?.displayName),
        meta: { contacts: [contactOf(content.contactMessage)] },
      };
    case 'contactsArrayMessage':
      return {
        ...base,
        kind: 'contact',
        body: clip(content.contactsArrayMessage?.displayName),
        meta: { contacts: (content.contactsArrayMessage?.contacts ?? []).map(contactOf) },
      };
    case 'reactionMessage': {
      const r = content.reactionMessage;
      const text = r?.text ?? '';
      return {
        ...base,
        kind: 'reaction',
        ...(text ? { body: text } : {}),
        meta: compact({ targetId: r?.key?.id, removed: text === '' || undefined }),
      };
    }
    case 'protocolMessage':
      return protocol(content.protocolMessage, base, lib);
    default:
      break;
  }

  const media = MEDIA[type];
  if (media === undefined) return { ...base, ...withQuote, kind: 'unsupported', meta: { type } };
  const info = content[type as keyof Content] as {
    mimetype?: string | null;
    caption?: string | null;
    fileName?: string | null;
    ptt?: boolean | null;
    seconds?: number | null;
  };
  const mime = info.mimetype || media.mime;
  const fileName = info.fileName || undefined;
  const meta: Record<string, unknown> = compact({
    voice: info.ptt || undefined,
    seconds: info.seconds ?? undefined,
  });
  let ref: MediaRef | undefined;
  try {
    ref = await saveMedia(msg, mime, fileName);
  } catch (err) {
    meta.mediaError = errorMessage(err);
  }
  return {
    ...base,
    ...withQuote,
    kind: media.kind,
    ...(info.caption ? { body: clip(info.caption) } : {}),
    ...(ref === undefined ? {} : { media: ref }),
    ...(Object.keys(meta).length > 0 ? { meta } : {}),
  };
}

function protocol(
  p: proto.Message.IProtocolMessage | null | undefined,
  base: Pick<InboundMessage, 'id' | 'chat' | 'sender' | 'timestamp'>,
  lib: Lib,
): InboundMessage | undefined {
  const Type = lib.proto.Message.ProtocolMessage.Type;
  const targetId = p?.key?.id ?? undefined;
  if (p?.type === Type.REVOKE)
    return { ...base, kind: 'unsupported', meta: compact({ deleted: true, targetId }) };
  if (p?.type === Type.MESSAGE_EDIT) {
    const edited = lib.normalizeMessageContent(p.editedMessage);
    const body = edited?.conversation ?? edited?.extendedTextMessage?.text ?? edited?.imageMessage?.caption;
    return { ...base, kind: 'text', body: clip(body), meta: compact({ edited: true, targetId }) };
  }
  return undefined; // history sync, app-state keys, ephemeral settings: not user messages
}

function contextOf(content: Content, type: keyof Content): proto.IContextInfo | null | undefined {
  const inner = content[type];
  return typeof inner === 'object' && inner !== null && 'contextInfo' in inner
    ? (inner.contextInfo as proto.IContextInfo | null | undefined)
    : undefined;
}

function contactOf(c: proto.Message.IContactMessage | null | undefined): Record<string, unknown> {
  const vcard = c?.vcard ?? undefined;
  const waid = vcard?.match(/waid=(\d+)/)?.[1];
  return compact({
    name: c?.displayName ?? undefined,
    vcard,
    phone: waid ? fromJid(`${waid}@s.whatsapp.net`) : undefined,
  });
}

function clip(text: string | null | undefined): string {
  return (text ?? '').slice(0, MAX_TEXT_LENGTH);
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
