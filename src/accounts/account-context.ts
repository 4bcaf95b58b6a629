import { chatId } from '../domain/message.js';
import { parse } from '../domain/validate.js';
import type { AccountContext, SendOptions } from '../linda-api.js';
import type { OutboxRecord, Store } from '../storage/types.js';

/** The send path an account context uses (the engine's validated, durable send). */
export type SendFn = (account: string, to: string, text: string, opts: SendOptions) => Promise<OutboxRecord>;

const HISTORY_DEFAULT = 50;
const HISTORY_MAX = 200;

/** Builds the account-scoped view returned by `engine.use(id)`. */
export function createAccountContext(account: string, store: Store, send: SendFn): AccountContext {
  return {
    account,
    send: (to, text, opts = {}) => send(account, to, text, opts),
    history: (chat, query = {}) =>
      store.history(account, parse(chatId, chat, 'chat'), {
        limit: Math.min(HISTORY_MAX, Math.max(1, query.limit ?? HISTORY_DEFAULT)),
        before: query.before,
      }),
    search: (text, limit = HISTORY_DEFAULT) =>
      store.search(account, text, Math.min(HISTORY_MAX, Math.max(1, limit))),
    chats: (limit = HISTORY_DEFAULT) => store.listChats(account, Math.min(HISTORY_MAX, Math.max(1, limit))),
  };
}
