import { z } from 'zod';
import { accountInputSchema } from '../domain/account.js';
import { accountId, e164, MAX_TEXT_LENGTH } from '../domain/message.js';

/** Request shapes of the HTTP API, checked with `parse()` so every failure is VALIDATION_FAILED. */

/** Page sizes accepted by list routes. */
export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(200)
  .default(50)
  .meta({ description: 'Page size' });

/** A message text as accepted from a client. */
export const textField = z.string().min(1).max(MAX_TEXT_LENGTH);

const accountRef = accountId.meta({ description: 'Account id: a slug (a-z, 0-9, - and _)' });

/** `:id` of every account route. */
export const accountParams = z.object({ id: accountRef });

/** `:account` of sandbox routes. */
export const sandboxParams = z.object({ account: accountRef });

const CHAT_JID = /^[A-Za-z0-9][A-Za-z0-9_:-]*(\.[A-Za-z0-9_:-]+)*@[a-z][a-z.]*$/;

/**
 * A chat as clients name it: the contact's E.164 number for a one-to-one chat, or a connector's
 * JID (`120363012345678901@g.us`). Narrower than the domain's `chatId` on purpose: no `/`, no
 * `..`, nothing a path or a query could trip over.
 */
export const chatRef = z
  .string()
  .max(128)
  .refine(
    (v) => e164.safeParse(v).success || CHAT_JID.test(v),
    'must be an E.164 number such as +15550001234, or a chat JID',
  )
  .meta({
    description: "The contact's E.164 number (`+15550001234`) or a group JID (`120363012345678901@g.us`)",
  });

/** `:id` and `:chat` of history routes. */
export const chatParams = z.object({ id: accountRef, chat: chatRef });

/** Body of `POST /v1/accounts`; unknown fields are rejected rather than silently dropped. */
export const createAccountBody = accountInputSchema.strict();

/** Query of `DELETE /v1/accounts/:id`. */
export const removeQuery = z.object({
  purge: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .meta({ description: "Also delete the account's messages" }),
});

/** Body of `POST /v1/accounts/:id/messages`. */
export const sendBody = z.strictObject({ to: e164, text: textField });

/** The optional `Idempotency-Key` header. */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .optional()
  .meta({ description: 'Retrying with the same key returns the first outbox row instead of sending again' });

/** Query of the history route. */
export const historyQuery = z.strictObject({
  limit: limitParam,
  before: z.string().min(1).max(256).optional().meta({ description: '`nextCursor` of the previous page' }),
});

/** Query of the search route. */
export const searchQuery = z.strictObject({
  q: z.string().trim().min(1).max(1024).meta({ description: 'Words to find in message bodies' }),
  limit: limitParam,
});

/** Body of `POST /v1/sandbox/:account/inbound`. */
export const sandboxInboundBody = z.strictObject({ from: e164, text: textField });
