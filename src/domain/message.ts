import { z } from 'zod';

/** Kinds of message Linda understands; connectors map everything else to `unsupported`. */
export const MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contact',
  'reaction',
  'receipt',
  'unsupported',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_STATUSES = [
  'received',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export type Direction = 'in' | 'out';

/** Longest text body accepted anywhere (WhatsApp's own limit). */
export const MAX_TEXT_LENGTH = 65_536;

/** E.164 phone number: `+` and 8 to 15 digits. Chats with one contact are addressed this way. */
export const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 number such as +15550001234');

/** Account ids are slugs: lower case, digits, `-` and `_`, 1 to 64 characters. */
export const accountId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a slug: a-z, 0-9, - and _, at most 64 characters');

/** A chat id: an E.164 number for one-to-one chats, or a connector's group id (`...@g.us`). */
export const chatId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s]+$/, 'must not contain white space');

/** Reference to a blob in the content-addressed media store. */
export const mediaRefSchema = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  size: z.number().int().nonnegative(),
  mime: z.string().min(1).max(255),
  fileName: z.string().max(255).optional(),
});
export type MediaRef = z.infer<typeof mediaRefSchema>;

export const messageSchema = z.object({
  account: accountId,
  id: z.string().min(1).max(128),
  chat: chatId,
  sender: chatId,
  direction: z.enum(['in', 'out']),
  kind: z.enum(MESSAGE_KINDS),
  body: z.string().max(MAX_TEXT_LENGTH).optional(),
  media: mediaRefSchema.optional(),
  quotedId: z.string().min(1).max(128).optional(),
  /** Kind-specific extras: location coordinates, contact card, reaction target, receipt target. */
  meta: z.record(z.string(), z.unknown()).optional(),
  timestamp: z.number().int().nonnegative(),
  status: z.enum(MESSAGE_STATUSES),
});

/** One message, inbound or outbound, as stored and as handlers see it. */
export type Message = z.infer<typeof messageSchema>;

/** What a connector hands to the engine: a message before Linda has assigned direction and status. */
export type InboundMessage = Omit<Message, 'direction' | 'status' | 'account'>;

/** What the engine hands to a connector to send. `id` is the network id the message must carry. */
export interface OutboundMessage {
  account: string;
  id: string;
  to: string;
  kind: MessageKind;
  body?: string;
  media?: MediaRef;
  quotedId?: string;
  meta?: Record<string, unknown>;
}

/** Status change reported by the network for an outbound message. */
export interface StatusUpdate {
  id: string;
  status: Extract<MessageStatus, 'sent' | 'delivered' | 'read' | 'failed'>;
  error?: string;
  timestamp?: number;
}
