import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage } from 'baileys';
import { ConnectorError } from '../../domain/errors.js';
import type { Message, OutboundMessage } from '../../domain/message.js';
import type { ConnectorContext } from '../types.js';
import { isGroupJid, toJid } from './jid.js';

/** What `sock.sendMessage` gets for one outbound message. */
export interface OutboundCall {
  jid: string;
  content: AnyMessageContent;
  options: MiscMessageGenerationOptions;
}

type Lookup = ConnectorContext['getMessage'];

function permanent(message: string, kind: string): ConnectorError {
  return new ConnectorError('send', message, { retryable: false, details: { kind } });
}

/** A stored message as the WAMessage Baileys quotes or reacts to. */
async function stored(
  lookup: Lookup,
  jid: string,
  id: string,
): Promise<{ key: WAMessage['key']; message: Message | undefined }> {
  const out = await lookup('out', id);
  const found = out ?? (await lookup('in', id));
  const participant =
    found !== undefined && found.direction === 'in' && isGroupJid(jid) ? toJid(found.sender) : undefined;
  return {
    key: { remoteJid: jid, id, fromMe: out !== undefined, ...(participant ? { participant } : {}) },
    message: found,
  };
}

/**
 * Translates an outbound message into a `sendMessage` call. `messageId` is always the outbox id,
 * so the id WhatsApp sees is the one Linda stored (and a retried send cannot make a second id).
 */
export async function toOutbound(
  message: OutboundMessage,
  ctx: Pick<ConnectorContext, 'getMessage' | 'media'>,
): Promise<OutboundCall> {
  const jid = toJid(message.to);
  const options: MiscMessageGenerationOptions = { messageId: message.id };
  if (message.quotedId !== undefined) {
    const quoted = await stored(ctx.getMessage, jid, message.quotedId);
    if (quoted.message !== undefined) {
      options.quoted = { key: quoted.key, message: { conversation: quoted.message.body ?? '' } };
    }
  }
  const meta = message.meta ?? {};
  const caption = message.body ? { caption: message.body } : {};
  const media = (): { stream: ReturnType<ConnectorContext['media']['open']> } => {
    if (message.media === undefined) throw permanent(`a ${message.kind} message needs media`, message.kind);
    return { stream: ctx.media.open(message.media.sha256) };
  };
  const mimetype = message.media?.mime ?? 'application/octet-stream';
  let content: AnyMessageContent;
  switch (message.kind) {
    case 'text':
      content = { text: message.body ?? '' };
      break;
    case 'reaction': {
      const target = typeof meta.targetId === 'string' ? meta.targetId : message.quotedId;
      if (target === undefined) throw permanent('a reaction needs meta.targetId', message.kind);
      content = { react: { text: message.body ?? '', key: (await stored(ctx.getMessage, jid, target)).key } };
      delete options.quoted;
      break;
    }
    case 'image':
      content = { image: media(), mimetype, ...caption };
      break;
    case 'video':
      content = { video: media(), mimetype, ...caption };
      break;
    case 'audio':
      content = { audio: media(), mimetype, ptt: meta.voice === true };
      break;
    case 'sticker':
      content = { sticker: media(), mimetype };
      break;
    case 'document':
      content = {
        document: media(),
        mimetype,
        fileName: message.media?.fileName ?? 'file',
        ...caption,
      };
      break;
    case 'location':
      if (typeof meta.latitude !== 'number' || typeof meta.longitude !== 'number')
        throw permanent('a location needs meta.latitude and meta.longitude', message.kind);
      content = { location: { degreesLatitude: meta.latitude, degreesLongitude: meta.longitude } };
      break;
    case 'contact': {
      const cards = Array.isArray(meta.contacts) ? (meta.contacts as Array<{ vcard?: unknown }>) : [];
      const vcards = cards.map((c) => c.vcard).filter((v): v is string => typeof v === 'string');
      if (vcards.length === 0) throw permanent('a contact needs meta.contacts[].vcard', message.kind);
      content = { contacts: { displayName: message.body, contacts: vcards.map((vcard) => ({ vcard })) } };
      break;
    }
    default:
      throw permanent(`the Baileys connector cannot send ${message.kind} messages`, message.kind);
  }
  return { jid, content, options };
}
