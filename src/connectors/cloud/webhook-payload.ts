import { ValidationError } from '../../domain/errors.js';
import type { InboundMessage, MediaRef, StatusUpdate } from '../../domain/message.js';

/** A media object of an inbound message (`image`, `audio`, ...). */
export interface CloudMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
  animated?: boolean;
}

/** One entry of `value.messages[]`, as much of it as Linda reads. */
export interface CloudMessage {
  from?: string;
  id?: string;
  timestamp?: string;
  type?: string;
  context?: { id?: string; from?: string; forwarded?: boolean };
  text?: { body?: string };
  image?: CloudMedia;
  video?: CloudMedia;
  audio?: CloudMedia;
  document?: CloudMedia;
  sticker?: CloudMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
  contacts?: Array<{ name?: { formatted_name?: string } } & Record<string, unknown>>;
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string; description?: string };
  };
  button?: { payload?: string; text?: string };
  reaction?: { message_id?: string; emoji?: string };
  referral?: Record<string, unknown>;
  errors?: unknown[];
  [key: string]: unknown;
}

/** One entry of `value.statuses[]`. */
export interface CloudStatus {
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  errors?: Array<{ code?: number; title?: string; message?: string; error_data?: { details?: string } }>;
}

/** The `value` of one change for this account's phone number. */
export interface CloudChangeValue {
  metadata?: { phone_number_id?: string };
  contacts?: Array<{ wa_id?: string; profile?: { name?: string } }>;
  messages?: CloudMessage[];
  statuses?: CloudStatus[];
}

const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
type MediaKind = (typeof MEDIA_KINDS)[number];

/** Parses a webhook body and returns the change values addressed to `phoneNumberId`. */
export function valuesFor(rawBody: Buffer, phoneNumberId: string): CloudChangeValue[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ValidationError('webhook body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null) throw new ValidationError('webhook body is not an object');
  const entries = (body as { entry?: unknown }).entry;
  if (!Array.isArray(entries)) return [];
  const values: CloudChangeValue[] = [];
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes) {
      const value = (change as { value?: unknown } | null)?.value;
      if (typeof value !== 'object' || value === null) continue;
      const v = value as CloudChangeValue;
      if (v.metadata?.phone_number_id === phoneNumberId) values.push(v);
    }
  }
  return values;
}

/** `16505551234` → `+16505551234`. */
export function toE164(waId: string): string {
  return waId.startsWith('+') ? waId : `+${waId}`;
}

/** The media object of a message, if its type carries media. */
export function mediaOf(message: CloudMessage): { kind: MediaKind; media: CloudMedia } | undefined {
  const kind = MEDIA_KINDS.find((k) => k === message.type);
  if (kind === undefined) return undefined;
  const media = message[kind];
  return media === undefined ? undefined : { kind, media };
}

function clean(meta: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined));
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Maps one Cloud API message to Linda's `InboundMessage`. `media` is the stored file of a media
 * message (downloaded by the caller), `mediaError` why it could not be. Returns undefined for
 * entries without a sender or id.
 */
export function toInbound(
  message: CloudMessage,
  value: CloudChangeValue,
  media?: { ref?: MediaRef; error?: string },
): InboundMessage | undefined {
  if (typeof message.from !== 'string' || typeof message.id !== 'string') return undefined;
  const sender = toE164(message.from);
  const profile = value.contacts?.find((c) => c.wa_id === message.from) ?? value.contacts?.[0];
  const seconds = Number(message.timestamp);
  const base: InboundMessage = {
    id: message.id,
    chat: sender,
    sender,
    kind: 'unsupported',
    timestamp: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : Date.now(),
  };
  if (message.context?.id !== undefined && message.type !== 'reaction') base.quotedId = message.context.id;
  const meta: Record<string, unknown> = {
    pushName: profile?.profile?.name,
    forwarded: message.context?.forwarded,
    referral: message.referral,
  };
  const out = mapKind(message, base, meta, media);
  const m = clean(meta);
  if (m !== undefined) out.meta = m;
  return out;
}

function mapKind(
  message: CloudMessage,
  base: InboundMessage,
  meta: Record<string, unknown>,
  media: { ref?: MediaRef; error?: string } | undefined,
): InboundMessage {
  switch (message.type) {
    case 'text':
      return { ...base, kind: 'text', body: message.text?.body ?? '' };
    case 'location': {
      const l = message.location ?? {};
      Object.assign(meta, {
        latitude: l.latitude,
        longitude: l.longitude,
        name: l.name,
        address: l.address,
        url: l.url,
      });
      return { ...base, kind: 'location', ...(l.name === undefined ? {} : { body: l.name }) };
    }
    case 'contacts': {
      const cards = message.contacts ?? [];
      meta.contacts = cards;
      const names = cards.map((c) => c.name?.formatted_name).filter((n): n is string => n !== undefined);
      return { ...base, kind: 'contact', body: names.join(', ') };
    }
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      if (reply === undefined) {
        meta.type = `interactive:${message.interactive?.type ?? 'unknown'}`;
        return base;
      }
      Object.assign(meta, {
        replyId: reply.id,
        replyType: message.interactive?.type,
        description: (reply as { description?: string }).description,
      });
      return { ...base, kind: 'text', body: reply.title ?? '' };
    }
    case 'button':
      Object.assign(meta, { replyId: message.button?.payload, replyType: 'button' });
      return { ...base, kind: 'text', body: message.button?.text ?? message.button?.payload ?? '' };
    case 'reaction':
      meta.targetId = message.reaction?.message_id;
      return { ...base, kind: 'reaction', body: message.reaction?.emoji ?? '' };
    default: {
      const found = mediaOf(message);
      if (found === undefined) {
        Object.assign(meta, { type: message.type, errors: message.errors });
        return base;
      }
      const out: InboundMessage = { ...base, kind: found.kind };
      if (found.media.caption !== undefined) out.body = found.media.caption;
      if (media?.ref !== undefined) {
        out.media =
          found.media.filename === undefined ? media.ref : { ...media.ref, fileName: found.media.filename };
      }
      Object.assign(meta, {
        mediaId: found.media.id,
        mediaError: media?.error,
        voice: found.media.voice,
        animated: found.media.animated,
      });
      return out;
    }
  }
}

const STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

/**
 * Maps one `statuses[]` entry (its `id` still the wamid); undefined for statuses Linda does not
 * track (`deleted`, `warning`, ...).
 */
export function toStatus(status: CloudStatus): StatusUpdate | undefined {
  const state = STATUSES.find((s) => s === status.status);
  if (state === undefined || typeof status.id !== 'string') return undefined;
  const update: StatusUpdate = { id: status.id, status: state };
  const seconds = Number(status.timestamp);
  if (Number.isFinite(seconds) && seconds > 0) update.timestamp = Math.round(seconds * 1000);
  if (state === 'failed') {
    const e = status.errors?.[0];
    const title = e?.title ?? e?.message ?? 'failed';
    const details = e?.error_data?.details;
    update.error = `${title}${e?.code === undefined ? '' : ` (${e.code})`}${details === undefined ? '' : `: ${details}`}`;
  }
  return update;
}
