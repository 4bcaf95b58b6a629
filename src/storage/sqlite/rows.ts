import type { Account, SessionStatus } from '../../domain/account.js';
import { ValidationError } from '../../domain/errors.js';
import type { MediaRef, Message, MessageKind, MessageStatus, OutboundMessage } from '../../domain/message.js';
import type { OutboxRecord, OutboxState } from '../types.js';

/** A `messages` row as SQLite returns it. */
export interface MessageRow {
  seq: number;
  account: string;
  direction: 'in' | 'out';
  id: string;
  chat: string;
  sender: string;
  kind: string;
  body: string | null;
  media: string | null;
  quoted_id: string | null;
  meta: string | null;
  timestamp: number;
  status: string;
  handled: number;
}

/** Columns of `messages` in the order `messageParams` fills them. */
export const MESSAGE_COLUMNS =
  'account, direction, id, chat, sender, kind, body, media, quoted_id, meta, timestamp, status, handled';

/** Positional parameters for inserting `m`; outbound rows never wait for the pipeline. */
export function messageParams(m: Message): unknown[] {
  return [
    m.account,
    m.direction,
    m.id,
    m.chat,
    m.sender,
    m.kind,
    m.body ?? null,
    m.media === undefined ? null : JSON.stringify(m.media),
    m.quotedId ?? null,
    m.meta === undefined ? null : JSON.stringify(m.meta),
    m.timestamp,
    m.status,
    m.direction === 'out' ? 1 : 0,
  ];
}

/** Rebuilds a `Message`, leaving out optional fields that are NULL. */
export function rowToMessage(r: MessageRow): Message {
  const m: Message = {
    account: r.account,
    id: r.id,
    chat: r.chat,
    sender: r.sender,
    direction: r.direction,
    kind: r.kind as MessageKind,
    timestamp: r.timestamp,
    status: r.status as MessageStatus,
  };
  if (r.body !== null) m.body = r.body;
  if (r.media !== null) m.media = JSON.parse(r.media) as MediaRef;
  if (r.quoted_id !== null) m.quotedId = r.quoted_id;
  if (r.meta !== null) m.meta = JSON.parse(r.meta) as Record<string, unknown>;
  return m;
}

/** An `accounts` row. */
export interface AccountRow {
  id: string;
  name: string;
  phone: string | null;
  connector: string;
  config: string;
  status: string;
  created_at: number;
}

/** Rebuilds an `Account`. */
export function rowToAccount(r: AccountRow): Account {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone ?? undefined,
    connector: r.connector,
    config: JSON.parse(r.config) as Record<string, unknown>,
    status: r.status as SessionStatus,
    createdAt: r.created_at,
  };
}

/** An `outbox` row. */
export interface OutboxRow {
  seq: number;
  account: string;
  idempotency_key: string;
  message_id: string;
  message: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** Rebuilds an `OutboxRecord`. */
export function rowToOutbox(r: OutboxRow): OutboxRecord {
  return {
    seq: r.seq,
    idempotencyKey: r.idempotency_key,
    message: JSON.parse(r.message) as OutboundMessage,
    state: r.state as OutboxState,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Opaque history cursor: the (timestamp, seq) of the last message of a page. */
export function encodeCursor(timestamp: number, seq: number): string {
  return Buffer.from(`${timestamp}:${seq}`).toString('base64url');
}

/** Reverses `encodeCursor`; a cursor Linda did not make is a `ValidationError`. */
export function decodeCursor(cursor: string): { timestamp: number; seq: number } {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new ValidationError('invalid history cursor', [{ path: 'before', message: 'not a cursor' }]);
  return { timestamp: Number(match[1]), seq: Number(match[2]) };
}
