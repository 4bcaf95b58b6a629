import type { Message } from '../../domain/message.js';
import { seededRandom, zipf } from '../stats.js';
import type { Scenario } from '../types.js';
import { benchEngine, contacts, since } from './fixture.js';

const CHATS = 1_000;
const VOCABULARY = 5_000;
const WORDS_PER_BODY = 8;
const SEED_BATCH = 5_000;

/** Pronounceable made-up words, the same every run (`w` + base-36 rank: w0, w1, … w3gf). */
function word(rank: number): string {
  return `w${rank.toString(36)}`;
}

/**
 * History pages and full-text search on a large store, seeded with `store.saveMessages`
 * batches (1M messages, 100k in quick mode) over 1,000 chats. Bodies are 8 words drawn Zipf
 * from a 5,000-word vocabulary; searches ask for one word drawn uniformly from it, so most are
 * selective and a few hit very common words. The first search indexes the deferred backlog
 * and is not timed.
 */
export const history: Scenario = {
  name: 'history',
  description: 'history pages and search on a seeded store',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('history'));
    try {
      await linda.createAccount({ id: 'bench' });
      const total = ctx.count(ctx.pick(100_000, 1_000_000));
      const chats = contacts(CHATS, 5_000_000);
      const random = seededRandom(7);
      const pickWord = zipf(VOCABULARY, 1, random);
      const start = Date.now() - total;
      for (let done = 0; done < total; done += SEED_BATCH) {
        const batch: Message[] = [];
        for (let i = done; i < Math.min(total, done + SEED_BATCH); i++) {
          const chat = chats[i % CHATS]!;
          const words = Array.from({ length: WORDS_PER_BODY }, () => word(pickWord()));
          batch.push({
            account: 'bench',
            id: `SEED${i}`,
            chat,
            sender: chat,
            direction: 'in',
            kind: 'text',
            body: words.join(' '),
            timestamp: start + i,
            status: 'received',
          });
        }
        await linda.store.saveMessages(batch);
        ctx.progress((0.6 * done) / total);
      }
      const account = linda.use('bench');
      await account.search(word(0), 1); // builds the deferred full-text index; not a query a user waits on
      ctx.progress(0.75);

      const pages: number[] = [];
      const pageCount = ctx.count(ctx.pick(3_000, 10_000));
      let cursor: { chat: string; before: string } | undefined;
      for (let i = 0; i < pageCount; i++) {
        const chat = cursor?.chat ?? chats[Math.floor(random() * CHATS)]!;
        const t0 = performance.now();
        const page = await account.history(chat, { limit: 50, ...(cursor ? { before: cursor.before } : {}) });
        pages.push(since(t0));
        // Every other page is the next (older) one of the same chat, as a scrolling user asks.
        cursor =
          cursor === undefined && page.nextCursor !== undefined
            ? { chat, before: page.nextCursor }
            : undefined;
      }
      ctx.progress(0.85);
      const searches: number[] = [];
      const searchCount = ctx.count(ctx.pick(300, 1_000));
      for (let i = 0; i < searchCount; i++) {
        const term = word(Math.floor(random() * VOCABULARY));
        const t0 = performance.now();
        await account.search(term, 50);
        searches.push(since(t0));
      }
      const scale = `${total.toLocaleString('en-US')} stored${ctx.mode === 'quick' ? ' (quick)' : ''}`;
      return [
        { metric: 'history.page', samples: pages, note: scale },
        { metric: 'search.query', samples: searches, note: scale },
      ];
    } finally {
      await linda.stop();
    }
  },
};
