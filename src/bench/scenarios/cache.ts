import type { Message } from '../../domain/message.js';
import { seededRandom, zipf } from '../stats.js';
import type { Scenario } from '../types.js';
import { benchEngine, contacts } from './fixture.js';

const ACCOUNTS = 100;
const CONTACTS_PER_ACCOUNT = 200;
/** Share of lookups that are account lookups; the rest are contact lookups. */
const ACCOUNT_SHARE = 0.2;

/**
 * Cache effectiveness on a Zipf (s = 1) mix of lookups: 100 accounts and 20,000 contacts
 * (twice the contact cache's default size), 20 % account and 80 % contact lookups, popular
 * contacts spread over the accounts. The engine is restarted after seeding so the caches start
 * cold; the hit rate comes from the engine's own counters (`status().caches`).
 */
export const cache: Scenario = {
  name: 'cache',
  description: 'Zipf account/contact lookups through the caches',
  async run(ctx) {
    const dir = ctx.tempDir('cache');
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `c${i}`);
    const people = contacts(CONTACTS_PER_ACCOUNT, 7_000_000);
    const seeding = await benchEngine(dir);
    try {
      for (const id of ids) await seeding.createAccount({ id }, { start: false });
      const messages: Message[] = [];
      for (const account of ids) {
        for (const phone of people) {
          messages.push({
            account,
            id: `C${account}${phone}`,
            chat: phone,
            sender: phone,
            direction: 'in',
            kind: 'text',
            body: 'hi',
            timestamp: Date.now(),
            status: 'received',
          });
        }
      }
      await seeding.store.saveMessages(messages);
    } finally {
      await seeding.stop();
    }
    ctx.progress(0.3);
    const linda = await benchEngine(dir);
    try {
      const random = seededRandom(11);
      const keys = ACCOUNTS * CONTACTS_PER_ACCOUNT;
      // Popularity rank → (account, contact), shuffled so the popular ones are spread out.
      const order = Array.from({ length: keys }, (_, i) => i);
      for (let i = keys - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const pickAccount = zipf(ACCOUNTS, 1, random);
      const pickContact = zipf(keys, 1, random);
      const before = (await linda.status()).caches;
      const lookups = ctx.count(ctx.pick(50_000, 200_000));
      for (let i = 0; i < lookups; i++) {
        if (random() < ACCOUNT_SHARE) {
          await linda.getAccount(ids[pickAccount()]!);
        } else {
          const key = order[pickContact()]!;
          const found = await linda.contact(
            ids[Math.floor(key / CONTACTS_PER_ACCOUNT)]!,
            people[key % CONTACTS_PER_ACCOUNT]!,
          );
          if (found === undefined) throw new Error('seeded contact not found');
        }
      }
      const after = (await linda.status()).caches;
      let hits = 0;
      let misses = 0;
      for (const name of ['accounts', 'contacts']) {
        hits += (after[name]?.hits ?? 0) - (before[name]?.hits ?? 0);
        misses += (after[name]?.misses ?? 0) - (before[name]?.misses ?? 0);
      }
      return [
        {
          metric: 'cache.hit-rate',
          samples: [(hits / (hits + misses)) * 100],
          note: `${lookups.toLocaleString('en-US')} lookups, cold start`,
        },
      ];
    } finally {
      await linda.stop();
    }
  },
};
