import { LRUCache } from 'lru-cache';
import type { AuthStateStore } from '../../accounts/auth-state.js';
import { sleep } from '../../limits/rate-limit.js';

/**
 * Slows the first message to a number nobody on this account has talked to: cold outreach at
 * machine speed is what gets linked devices banned. A number counts as known once it wrote to us
 * or we sent to it; the mark is kept in the account's (encrypted) auth state, so it survives
 * restarts.
 */
export class FirstContactPacer {
  private readonly known = new LRUCache<string, true>({ max: 50_000 });
  private readonly abort = new AbortController();

  constructor(
    private readonly auth: AuthStateStore,
    private readonly delayMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Someone wrote to us: answering them is not a cold first contact. */
  noteInbound(jid: string): void {
    this.known.set(jid, true);
  }

  /** Waits `delayMs` plus up to half of it again before a first message to `jid`. */
  async beforeSend(jid: string): Promise<void> {
    if (this.delayMs <= 0 || this.known.has(jid)) return;
    if ((await this.auth.load([key(jid)])).size > 0) {
      this.known.set(jid, true);
      return;
    }
    await sleep(this.delayMs * (1 + this.random() * 0.5), this.abort.signal);
  }

  /** Remembers that `jid` has had a message from us. */
  async afterSend(jid: string): Promise<void> {
    if (this.known.has(jid)) return;
    this.known.set(jid, true);
    await this.auth.save([{ key: key(jid), value: Buffer.from('1') }]);
  }

  /** Ends any pause in progress (the connector is disconnecting). */
  stop(): void {
    this.abort.abort();
  }
}

function key(jid: string): string {
  return `contacted-${jid}`;
}
