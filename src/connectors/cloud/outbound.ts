import { ConnectorError } from '../../domain/errors.js';
import type { OutboundMessage } from '../../domain/message.js';

/** `+16505551234` → `16505551234`: the Cloud API wants the number without `+`. */
export function toWaId(to: string): string {
  return to.startsWith('+') ? to.slice(1) : to;
}

function unsendable(message: string): ConnectorError {
  return new ConnectorError('send', message, { retryable: false, code: 'VALIDATION_FAILED' });
}

/**
 * The JSON body of `POST /{phone-number-id}/messages` for `message`; `mediaId` is the uploaded
 * media of a media message. Throws a non-retryable `ConnectorError` for what the API cannot send.
 */
export function outboundBody(message: OutboundMessage, mediaId?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: toWaId(message.to),
  };
  // Only wamids can be quoted; a Linda id the connector could not map would make the API refuse the message.
  if (message.quotedId?.startsWith('wamid.') === true && message.kind !== 'reaction') {
    body.context = { message_id: message.quotedId };
  }
  switch (message.kind) {
    case 'text':
      return { ...body, type: 'text', text: { body: message.body ?? '', preview_url: false } };
    case 'reaction': {
      const target = message.meta?.targetId ?? message.quotedId;
      if (typeof target !== 'string') throw unsendable('a reaction needs meta.targetId');
      return { ...body, type: 'reaction', reaction: { message_id: target, emoji: message.body ?? '' } };
    }
    case 'location': {
      const { latitude, longitude, name, address } = message.meta ?? {};
      if (typeof latitude !== 'number' || typeof longitude !== 'number') {
        throw unsendable('a location needs meta.latitude and meta.longitude');
      }
      return { ...body, type: 'location', location: { latitude, longitude, name, address } };
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      if (mediaId === undefined) throw unsendable(`a ${message.kind} message needs media`);
      const media: Record<string, unknown> = { id: mediaId };
      const captioned = message.kind === 'image' || message.kind === 'video' || message.kind === 'document';
      if (captioned && message.body !== undefined && message.body !== '') media.caption = message.body;
      if (message.kind === 'document' && message.media?.fileName !== undefined) {
        media.filename = message.media.fileName;
      }
      return { ...body, type: message.kind, [message.kind]: media };
    }
    default:
      throw unsendable(`the Cloud API connector cannot send ${message.kind} messages`);
  }
}
