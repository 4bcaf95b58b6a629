import type { Account } from '../../../src/domain/account.js';
import type { Message, OutboundMessage } from '../../../src/domain/message.js';
import type { OutboxInput } from '../../../src/storage/types.js';

/** An account with sensible defaults. */
export function account(id: string, over: Partial<Account> = {}): Account {
  return {
    id,
    name: `Account ${id}`,
    phone: '+15550000001',
    connector: 'sandbox',
    config: { token: 'x' },
    status: 'created',
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** An inbound text message. */
export function inbound(id: string, over: Partial<Message> = {}): Message {
  return {
    account: 'acme',
    id,
    chat: '+15551110001',
    sender: '+15551110001',
    direction: 'in',
    kind: 'text',
    body: `body of ${id}`,
    timestamp: 1_700_000_000_000,
    status: 'received',
    ...over,
  };
}

/** An outbox input for a text to `to`. */
export function outbox(key: string, over: Partial<OutboundMessage> = {}, createdAt = 1_000): OutboxInput {
  return {
    idempotencyKey: key,
    createdAt,
    message: {
      account: 'acme',
      id: `out-${key}`,
      to: '+15552220001',
      kind: 'text',
      body: `reply ${key}`,
      ...over,
    },
  };
}
