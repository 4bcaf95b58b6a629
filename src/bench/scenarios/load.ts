import type { Linda } from '../../engine.js';
import { contacts } from './fixture.js';

const CHATS = 100;
const SENDERS = contacts(CHATS, 3_000_000);

/**
 * Pushes `n` messages through `linda`'s account `account` in chunks (2,000 in flight), waits
 * until every one is handled and every reply was sent, then clears the sandbox network's own
 * dedupe memory (it is the simulated WhatsApp, not Linda). One "operation" = one inbound
 * message handled with a durable reply that is then sent.
 */
export async function pushLoad(
  linda: Linda,
  account: string,
  n: number,
  tag: string,
  onChunk?: (done: number) => void,
): Promise<void> {
  const start = linda.sandbox.stats().delivered;
  const chunk = 5_000;
  for (let done = 0; done < n; done += chunk) {
    const size = Math.min(chunk, n - done);
    const items = Array.from({ length: size }, (_, i) => ({
      from: SENDERS[(done + i) % CHATS]!,
      input: `${tag}${done + i}`,
    }));
    await linda.sandbox.sayMany(account, items, { concurrency: 2_000 });
    onChunk?.(done + size);
  }
  await linda.idle();
  const deadline = Date.now() + 60_000;
  while (linda.sandbox.stats().delivered - start < n) {
    if (Date.now() > deadline) throw new Error('replies were not all sent within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  linda.sandbox.reset();
}
