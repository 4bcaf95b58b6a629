import { z } from 'zod';
import { type Account, SESSION_STATUSES } from '../domain/account.js';
import { messageSchema } from '../domain/message.js';

/**
 * Response shapes of the HTTP API. The zod schemas document the responses in the OpenAPI spec
 * (see openapi.ts); handlers annotate what they return with their types, so a shape that drifts
 * from its documentation fails the typecheck.
 */

/** An account as the API returns it: `config` may hold secrets, so only its keys are shown. */
export const accountViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    phone: z.string().nullable().meta({ description: 'E.164 number, once known' }),
    connector: z.string().meta({ description: 'sandbox, cloud, baileys, ...' }),
    status: z.enum(SESSION_STATUSES).meta({ description: 'Session status' }),
    createdAt: z.number().int().meta({ description: 'Epoch milliseconds' }),
    configKeys: z
      .array(z.string())
      .meta({ description: 'Keys of the connector config; values are never shown' }),
  })
  .meta({ title: 'Account' });

/** An account as the API returns it. */
export type AccountView = z.output<typeof accountViewSchema>;

/** Strips config values from `account`. */
export function accountView(account: Account): AccountView {
  return {
    id: account.id,
    name: account.name,
    phone: account.phone ?? null,
    connector: account.connector,
    status: account.status,
    createdAt: account.createdAt,
    configKeys: Object.keys(account.config ?? {}).sort(),
  };
}

/** `GET /v1/accounts`. */
export const accountListSchema = z.object({
  accounts: z.array(accountViewSchema),
  defaultAccount: z.string().nullable(),
});

/** `POST /v1/accounts/:id/use`. */
export const defaultAccountSchema = z.object({ defaultAccount: z.string() });

/** `POST /v1/accounts/:id/messages`: the outbox row that will send the message. */
export const sendResultSchema = z.object({
  id: z.number().int().meta({ description: 'Outbox row id' }),
  messageId: z.string().meta({ description: 'Network id the message is sent with' }),
  state: z.enum(['queued', 'sending', 'sent', 'failed', 'dead']),
});

/** A stored message, inbound or outbound. */
export const messageViewSchema = messageSchema.meta({ title: 'Message' });

/** `GET /v1/accounts/:id/chats/:chat/messages`: newest first. */
export const historyPageSchema = z.object({
  messages: z.array(messageViewSchema),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `before` for the next (older) page' }),
});

/** `GET /v1/accounts/:id/search`. */
export const searchResultSchema = z.object({ messages: z.array(messageViewSchema) });

/** `GET /v1/accounts/:id/qr` as JSON. */
export const linkingSchema = z.object({
  qr: z.string().nullable().meta({ description: 'QR payload to render and scan' }),
  pairingCode: z.string().nullable().meta({ description: 'Code to type on the phone instead' }),
});

/** `POST /v1/sandbox/:account/inbound`: the stored inbound message and the bot's replies. */
export const sandboxExchangeSchema = z.object({
  inbound: messageViewSchema,
  replies: z.array(
    z.object({
      id: z.string(),
      to: z.string(),
      body: z.string().optional(),
      kind: z.string().meta({ description: 'A message kind: text, image, ...' }),
    }),
  ),
});

const cacheStatsSchema = z.object({
  hits: z.number().int(),
  misses: z.number().int(),
  size: z.number().int(),
});

/** `GET /v1/status`: the engine snapshot `linda status` prints. */
export const engineStatusSchema = z.object({
  uptimeMs: z.number(),
  defaultAccount: z.string().optional(),
  accounts: z.array(z.object({ id: z.string(), connector: z.string(), status: z.string() })),
  messages: z.object({ in: z.number().int(), out: z.number().int() }),
  outbox: z.object({
    queued: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    dead: z.number().int(),
    oldestQueuedAgeMs: z.number(),
  }),
  caches: z.record(z.string(), cacheStatsSchema),
  memory: z.object({ heapUsed: z.number(), rss: z.number() }),
});

/** `{ ok: true }` of `/health` and of an accepted webhook delivery. */
export const okSchema = z.object({ ok: z.literal(true) });
