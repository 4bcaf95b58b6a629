import { randomBytes } from 'node:crypto';
import type { SandboxNetwork } from './connectors/sandbox/index.js';
import { LindaError } from './domain/errors.js';
import type { Message } from './domain/message.js';
import type { SandboxExchange } from './linda-api.js';
import type { HandledEvent } from './pipeline/inbound.js';
import type { Store } from './storage/types.js';

/** What a sandbox exchange needs from the engine. */
export interface ExchangeDeps {
  sandbox: SandboxNetwork;
  store: Store;
  onHandled(listener: (e: HandledEvent) => void): () => void;
}

/**
 * A virtual contact says `text` to `account`; resolves with the stored inbound message and the
 * replies that reached the contact before `deadline` (epoch ms). Inputs are validated by the
 * caller. Leaves no listener or timer behind.
 */
export async function sandboxExchange(
  deps: ExchangeDeps,
  account: string,
  from: string,
  text: string,
  deadline: number,
): Promise<SandboxExchange> {
  const id = `SBX${randomBytes(8).toString('hex').toUpperCase()}`;
  const handled = waitForHandled(deps, account, id, deadline - Date.now());
  let inbound: Message | undefined;
  try {
    await deps.sandbox.say(account, from, { id, body: text });
    inbound = await deps.store.getMessage(account, 'in', id);
  } finally {
    if (inbound === undefined) handled.cancel();
  }
  if (inbound === undefined)
    throw new LindaError('INTERNAL', 'sandbox message was acknowledged but not stored');
  const event = await handled.event;
  const ids = new Set((event?.replies ?? []).map((r) => r.message.id));
  const mine = (d: { account: string; id: string }): boolean => d.account === account && ids.has(d.id);
  const delivered =
    ids.size === 0
      ? []
      : await deps.sandbox
          .waitForDeliveries(mine, { count: ids.size, timeoutMs: Math.max(1, deadline - Date.now()) })
          .catch(() => deps.sandbox.deliveries({ account }).filter(mine));
  const replies = delivered.filter(mine).map((d) => ({ id: d.id, to: d.to, body: d.body, kind: d.kind }));
  return { inbound, replies };
}

/** The handled event of one message, or undefined after `ms` or on `cancel()`. */
function waitForHandled(
  deps: ExchangeDeps,
  account: string,
  id: string,
  ms: number,
): { event: Promise<HandledEvent | undefined>; cancel: () => void } {
  let done: (event: HandledEvent | undefined) => void = () => {};
  const event = new Promise<HandledEvent | undefined>((resolve) => {
    const off = deps.onHandled((e) => {
      if (e.message.account === account && e.message.id === id) done(e);
    });
    const timer = setTimeout(() => done(undefined), Math.max(0, ms));
    done = (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    };
  });
  return { event, cancel: () => done(undefined) };
}
