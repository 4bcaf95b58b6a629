import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LindaError, StorageError } from '../../../src/domain/errors.js';
import type { Store } from '../../../src/storage/types.js';
import { account, inbound, outbox } from './fixtures.js';
import { describeWebhookConformance } from './webhook-conformance.js';

/**
 * The behaviour every `Store` must show. Run it once per adapter:
 * `describeStoreConformance('sqlite :memory:', async () => createSqliteStore({ path: ':memory:' }))`.
 * `makeStore` returns a fresh, empty, not yet initialised store for each test.
 */
export function describeStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.init();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('lifecycle', () => {
      it('applies and records migrations, and init is idempotent', async () => {
        const before = await store.appliedMigrations();
        expect(before[0]).toBe('001-initial');
        expect([...before].sort()).toEqual(before);
        await store.init();
        expect(await store.appliedMigrations()).toEqual(before);
      });

      it('close is idempotent and later calls fail with StorageError', async () => {
        await store.close();
        await store.close();
        await expect(store.listAccounts()).rejects.toBeInstanceOf(StorageError);
        await expect(store.saveMessages([inbound('m1')])).rejects.toBeInstanceOf(StorageError);
      });
    });

    describe('accounts', () => {
      it('creates, reads, lists, updates status and refuses a taken id', async () => {
        await store.createAccount(account('acme', { config: { nested: { a: [1, 2] } } }));
        await store.createAccount(account('beta', { phone: undefined, createdAt: 1_800_000_000_000 }));
        expect(await store.getAccount('acme')).toEqual(
          account('acme', { config: { nested: { a: [1, 2] } } }),
        );
        expect((await store.getAccount('beta'))?.phone).toBeUndefined();
        expect(await store.getAccount('nope')).toBeUndefined();
        expect((await store.listAccounts()).map((a) => a.id)).toEqual(['acme', 'beta']);

        await store.setAccountStatus('acme', 'ready');
        expect((await store.getAccount('acme'))?.status).toBe('ready');

        const err = await store.createAccount(account('acme', { name: 'other' })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LindaError);
        expect((err as LindaError).code).toBe('ACCOUNT_EXISTS');
        expect((await store.getAccount('acme'))?.name).toBe('Account acme');
      });

      it('deleteAccount reports whether the account existed', async () => {
        await store.createAccount(account('acme'));
        expect(await store.deleteAccount('acme', { purge: false })).toBe(true);
        expect(await store.getAccount('acme')).toBeUndefined();
        expect(await store.deleteAccount('acme', { purge: false })).toBe(false);
      });
    });

    it('settings: set, overwrite, delete', async () => {
      expect(await store.getSetting('defaultAccount')).toBeUndefined();
      await store.setSetting('defaultAccount', 'acme');
      await store.setSetting('defaultAccount', 'beta');
      expect(await store.getSetting('defaultAccount')).toBe('beta');
      await store.setSetting('defaultAccount', undefined);
      expect(await store.getSetting('defaultAccount')).toBeUndefined();
    });

    it('auth state: round trip of bytes, null deletes, clear is per account', async () => {
      const bytes = Buffer.from([0, 255, 1, 254, 0]);
      await store.saveAuthState('acme', [
        { key: 'creds', value: bytes },
        { key: 'pre-key-1', value: Buffer.from('one') },
      ]);
      await store.saveAuthState('beta', [{ key: 'creds', value: Buffer.from('beta') }]);
      const loaded = await store.loadAuthState('acme', ['creds', 'pre-key-1', 'missing']);
      expect([...loaded.keys()].sort()).toEqual(['creds', 'pre-key-1']);
      expect(Buffer.compare(loaded.get('creds')!, bytes)).toBe(0);

      await store.saveAuthState('acme', [
        { key: 'pre-key-1', value: null },
        { key: 'creds', value: Buffer.from('new') },
      ]);
      const after = await store.loadAuthState('acme', ['creds', 'pre-key-1']);
      expect(after.has('pre-key-1')).toBe(false);
      expect(after.get('creds')?.toString()).toBe('new');

      await store.clearAuthState('acme');
      expect((await store.loadAuthState('acme', ['creds'])).size).toBe(0);
      expect((await store.loadAuthState('beta', ['creds'])).get('creds')?.toString()).toBe('beta');
      expect((await store.loadAuthState('acme', [])).size).toBe(0);
    });

    describe('messages', () => {
      it('saveMessages reports inserted flags and ignores duplicates, also within one batch', async () => {
        const first = await store.saveMessages([inbound('m1'), inbound('m2'), inbound('m1')]);
        expect(first.inserted).toEqual([true, true, false]);
        const again = await store.saveMessages([inbound('m2', { body: 'changed' }), inbound('m3')]);
        expect(again.inserted).toEqual([false, true]);
        expect((await store.getMessage('acme', 'in', 'm2'))?.body).toBe('body of m2');
        // Same id in the other direction or another account is a different message.
        const other = await store.saveMessages([
          inbound('m1', { direction: 'out', status: 'sent' }),
          inbound('m1', { account: 'beta' }),
        ]);
        expect(other.inserted).toEqual([true, true]);
        expect(await store.countMessages({})).toBe(5);
      });

      it('round-trips every field and leaves absent optionals absent', async () => {
        const full = inbound('m1', {
          kind: 'image',
          body: 'caption',
          media: { sha256: 'a'.repeat(64), size: 10, mime: 'image/png', fileName: 'x.png' },
          quotedId: 'm0',
          meta: { location: { lat: 1.5, lng: -2 } },
          chat: '12036304@g.us',
        });
        const bare = inbound('m2', { kind: 'reaction', body: undefined });
        delete bare.body;
        await store.saveMessages([full, bare]);
        expect(await store.getMessage('acme', 'in', 'm1')).toEqual(full);
        const got = await store.getMessage('acme', 'in', 'm2');
        expect(got).toEqual(bare);
        expect(Object.keys(got!).sort()).toEqual(Object.keys(bare).sort());
        expect(await store.getMessage('acme', 'out', 'm1')).toBeUndefined();
      });

      it('upserts the sender of inbound messages as a contact, not of outbound ones', async () => {
        await store.saveMessages([
          inbound('m1', { sender: '+15553330001', timestamp: 2_000 }),
          inbound('m2', { sender: '+15553330001', timestamp: 1_000 }),
          inbound('m3', { sender: '+15553330001', timestamp: 3_000 }),
          inbound('o1', { direction: 'out', sender: '+15559990000', status: 'sent' }),
        ]);
        const c = await store.getContact('acme', '+15553330001');
        expect(c).toMatchObject({
          account: 'acme',
          phone: '+15553330001',
          firstSeenAt: 1_000,
          lastSeenAt: 3_000,
        });
        expect(await store.getContact('acme', '+15559990000')).toBeUndefined();
        expect(await store.getContact('beta', '+15553330001')).toBeUndefined();
      });

      it('history pages newest first with a cursor that is stable across equal timestamps', async () => {
        const msgs = [
          inbound('a', { timestamp: 100 }),
          inbound('b', { timestamp: 200 }),
          inbound('c', { timestamp: 200 }),
          inbound('d', { timestamp: 200 }),
          inbound('e', { timestamp: 200 }),
          inbound('f', { timestamp: 300 }),
          inbound('x', { timestamp: 250, chat: '+15551110002' }),
          inbound('y', { timestamp: 250, account: 'beta' }),
        ];
        await store.saveMessages(msgs);
        const seen: string[] = [];
        let before: string | undefined;
        let pages = 0;
        do {
          const page = await store.history('acme', '+15551110001', { limit: 2, before });
          expect(page.messages.length).toBeLessThanOrEqual(2);
          seen.push(...page.messages.map((m) => m.id));
          before = page.nextCursor;
          pages++;
        } while (before !== undefined && pages < 10);
        expect(pages).toBe(3);
        expect(seen).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);

        const all = await store.history('acme', '+15551110001', { limit: 6 });
        expect(all.messages).toHaveLength(6);
        expect(all.nextCursor).toBeUndefined();
        const empty = await store.history('acme', '+15550000000', { limit: 10 });
        expect(empty).toEqual({ messages: [], nextCursor: undefined });
        await expect(
          store.history('acme', '+15551110001', { limit: 2, before: 'garbage!' }),
        ).rejects.toThrow();
      });

      it('search finds words in bodies, per account, newest first, up to limit', async () => {
        await store.saveMessages([
          inbound('m1', { body: 'Order pizza tonight', timestamp: 1 }),
          inbound('m2', { body: 'no food here', timestamp: 2 }),
          inbound('m3', { body: 'more PIZZA please', timestamp: 3 }),
          inbound('m4', { body: 'pizza for beta', account: 'beta', timestamp: 4 }),
          inbound('m5', { kind: 'image', body: undefined, timestamp: 5 }),
        ]);
        expect((await store.search('acme', 'pizza', 10)).map((m) => m.id)).toEqual(['m3', 'm1']);
        expect((await store.search('acme', 'pizza', 1)).map((m) => m.id)).toEqual(['m3']);
        expect((await store.search('acme', 'pizza tonight', 10)).map((m) => m.id)).toEqual(['m1']);
        expect(await store.search('acme', 'sushi', 10)).toEqual([]);
        // Messages stored after a search are found by the next one.
        await store.saveMessages([inbound('m6', { body: 'late pizza', timestamp: 6 })]);
        expect((await store.search('acme', 'pizza', 10)).map((m) => m.id)).toEqual(['m6', 'm3', 'm1']);
      });

      it('search never fails on hostile input and returns [] for empty queries', async () => {
        await store.saveMessages([inbound('m1', { body: 'rock AND roll "quoted" near(x) star*' })]);
        const hostile = [
          '"',
          '*',
          'AND',
          'OR',
          'NOT',
          'NEAR(',
          'NEAR(a b',
          '(',
          ')',
          '^',
          'body:x',
          '-',
          '""""',
          "'",
          'a"b',
          '\u0000',
          'x'.repeat(5000),
        ];
        for (const q of hostile) {
          await expect(store.search('acme', q, 10), q).resolves.toBeInstanceOf(Array);
        }
        expect(await store.search('acme', '', 10)).toEqual([]);
        expect(await store.search('acme', '   ', 10)).toEqual([]);
        expect((await store.search('acme', 'AND', 10)).map((m) => m.id)).toEqual(['m1']);
        expect((await store.search('acme', '"quoted"', 10)).map((m) => m.id)).toEqual(['m1']);
        expect((await store.search('acme', 'NEAR(x)', 10)).map((m) => m.id)).toEqual(['m1']);
      });

      it('counts messages by account, chat and direction', async () => {
        await store.saveMessages([
          inbound('m1'),
          inbound('m2', { chat: '+15551110002' }),
          inbound('m3', { direction: 'out', status: 'sent' }),
          inbound('m4', { account: 'beta' }),
        ]);
        expect(await store.countMessages({})).toBe(4);
        expect(await store.countMessages({ account: 'acme' })).toBe(3);
        expect(await store.countMessages({ account: 'acme', chat: '+15551110001' })).toBe(2);
        expect(await store.countMessages({ account: 'acme', direction: 'in' })).toBe(2);
        expect(await store.countMessages({ account: 'acme', chat: '+15551110001', direction: 'out' })).toBe(
          1,
        );
        expect(await store.countMessages({ direction: 'in' })).toBe(3);
      });

      it('lists chats by most recent message with message counts', async () => {
        await store.saveMessages([
          inbound('m1', { chat: '+15551110001', timestamp: 10 }),
          inbound('m2', { chat: '+15551110002', timestamp: 30 }),
          inbound('m3', { chat: '+15551110001', timestamp: 20 }),
          inbound('m4', { chat: '+15551110003', timestamp: 5, account: 'beta' }),
        ]);
        await store.enqueueOutbound('acme', [outbox('k1', { to: '+15551110003' }, 40)]);
        expect(await store.listChats('acme', 10)).toEqual([
          { chat: '+15551110003', lastMessageAt: 40, messages: 1 },
          { chat: '+15551110002', lastMessageAt: 30, messages: 1 },
          { chat: '+15551110001', lastMessageAt: 20, messages: 2 },
        ]);
        expect(await store.listChats('acme', 1)).toHaveLength(1);
      });

      it('updateMessageStatuses moves outbound statuses forward only', async () => {
        await store.enqueueOutbound('acme', [outbox('a'), outbox('b'), outbox('c')]);
        const status = async (key: string) => (await store.getMessage('acme', 'out', `out-${key}`))?.status;
        await store.updateMessageStatuses('acme', [
          { id: 'out-a', status: 'sent' },
          { id: 'out-b', status: 'read' },
          { id: 'unknown', status: 'read' },
        ]);
        expect(await status('a')).toBe('sent');
        expect(await status('b')).toBe('read');
        await store.updateMessageStatuses('acme', [
          { id: 'out-a', status: 'delivered' },
          { id: 'out-b', status: 'delivered' },
        ]);
        expect(await status('a')).toBe('delivered');
        expect(await status('b')).toBe('read');
        // failed only before delivery
        await store.updateMessageStatuses('acme', [
          { id: 'out-a', status: 'failed' },
          { id: 'out-c', status: 'failed' },
        ]);
        expect(await status('a')).toBe('delivered');
        expect(await status('c')).toBe('failed');
        await store.updateMessageStatuses('acme', [
          { id: 'out-a', status: 'sent' },
          { id: 'out-a', status: 'queued' },
        ]);
        expect(await status('a')).toBe('delivered');
        // Inbound messages are not touched.
        await store.saveMessages([inbound('out-a')]);
        await store.updateMessageStatuses('acme', [{ id: 'out-a', status: 'read' }]);
        expect((await store.getMessage('acme', 'in', 'out-a'))?.status).toBe('received');
      });

      it('unhandled lists inbound messages oldest first until marked handled', async () => {
        await store.saveMessages([
          inbound('m2', { timestamp: 20 }),
          inbound('m1', { timestamp: 10 }),
          inbound('m3', { timestamp: 30 }),
          inbound('o1', { direction: 'out', status: 'sent', timestamp: 5 }),
          inbound('b1', { account: 'beta', timestamp: 1 }),
        ]);
        expect((await store.unhandled('acme', 10)).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
        expect((await store.unhandled('acme', 2)).map((m) => m.id)).toEqual(['m1', 'm2']);
        await store.markHandled('acme', ['m1', 'm3', 'nope'], 'read');
        expect((await store.unhandled('acme', 10)).map((m) => m.id)).toEqual(['m2']);
        expect((await store.getMessage('acme', 'in', 'm1'))?.status).toBe('read');
        expect((await store.unhandled('beta', 10)).map((m) => m.id)).toEqual(['b1']);
      });
    });

    describe('outbox', () => {
      beforeEach(async () => {
        await store.createAccount(account('acme', { phone: '+15550000001' }));
      });

      it('enqueue writes queued records and queued out messages', async () => {
        const [r1, r2] = await store.enqueueOutbound('acme', [
          outbox('k1', {}, 1_000),
          outbox('k2', {}, 2_000),
        ]);
        expect(r1).toMatchObject({
          idempotencyKey: 'k1',
          state: 'queued',
          attempts: 0,
          nextAttemptAt: 1_000,
        });
        expect(r1!.message).toEqual(outbox('k1').message);
        expect(r1!.lastError).toBeUndefined();
        expect(r2!.seq).toBeGreaterThan(r1!.seq);
        expect(await store.getOutbound(r1!.seq)).toEqual(r1);
        expect(await store.getMessage('acme', 'out', 'out-k1')).toEqual({
          account: 'acme',
          id: 'out-k1',
          chat: '+15552220001',
          sender: '+15550000001',
          direction: 'out',
          kind: 'text',
          body: 'reply k1',
          timestamp: 1_000,
          status: 'queued',
        });
        // Outbound messages are never waiting for the pipeline.
        expect(await store.unhandled('acme', 10)).toEqual([]);
      });

      it('uses the account id as sender when the phone is unknown', async () => {
        await store.enqueueOutbound('ghost', [outbox('k1', { account: 'ghost' })]);
        expect((await store.getMessage('ghost', 'out', 'out-k1'))?.sender).toBe('ghost');
      });

      it('a known idempotency key returns the existing record and writes nothing', async () => {
        const [first] = await store.enqueueOutbound('acme', [outbox('k1')]);
        const again = await store.enqueueOutbound('acme', [
          outbox('k1', { id: 'other-id', body: 'different' }),
          outbox('k2'),
          outbox('k2', { id: 'third' }),
        ]);
        expect(again[0]).toEqual(first);
        expect(again[2]).toEqual(again[1]);
        expect(await store.countMessages({ account: 'acme', direction: 'out' })).toBe(2);
        expect(await store.getMessage('acme', 'out', 'other-id')).toBeUndefined();
        expect((await store.outboxStats('acme')).queued).toBe(2);
        // Keys are per account.
        const [beta] = await store.enqueueOutbound('beta', [outbox('k1', { account: 'beta' })]);
        expect(beta!.seq).not.toBe(first!.seq);
      });

      it('claims due rows oldest first, once, and increments attempts', async () => {
        await store.enqueueOutbound('acme', [
          outbox('k1', {}, 100),
          outbox('k2', {}, 200),
          outbox('k3', {}, 300),
        ]);
        await store.enqueueOutbound('beta', [outbox('b1', { account: 'beta' }, 50)]);
        expect(await store.claimOutbound('acme', 10, 50)).toEqual([]);
        const claimed = await store.claimOutbound('acme', 2, 1_000);
        expect(claimed.map((r) => r.idempotencyKey)).toEqual(['k1', 'k2']);
        expect(claimed.every((r) => r.state === 'sending' && r.attempts === 1)).toBe(true);
        expect((await store.getOutbound(claimed[0]!.seq))?.state).toBe('sending');
        expect((await store.claimOutbound('acme', 10, 1_000)).map((r) => r.idempotencyKey)).toEqual(['k3']);
        expect(await store.claimOutbound('acme', 10, 1_000)).toEqual([]);
        expect(await store.outboxStats('acme')).toMatchObject({ queued: 0, sending: 3 });
        expect((await store.outboxStats()).queued).toBe(1);
      });

      it('settle records outcomes and mirrors them into message statuses', async () => {
        await store.enqueueOutbound('acme', [outbox('ok'), outbox('retry'), outbox('dead'), outbox('fail')]);
        const [ok, retry, dead, fail] = await store.claimOutbound('acme', 10, 5_000);
        await store.settleOutbound('acme', [
          { seq: ok!.seq, state: 'sent' },
          { seq: retry!.seq, state: 'queued', error: 'timeout', nextAttemptAt: 10_000 },
          { seq: dead!.seq, state: 'dead', error: 'gave up' },
          { seq: fail!.seq, state: 'failed', error: 'rejected' },
        ]);
        const status = async (key: string) => (await store.getMessage('acme', 'out', `out-${key}`))?.status;
        expect(await status('ok')).toBe('sent');
        expect(await status('retry')).toBe('queued');
        expect(await status('dead')).toBe('failed');
        expect(await status('fail')).toBe('failed');
        expect(await store.getOutbound(retry!.seq)).toMatchObject({
          state: 'queued',
          lastError: 'timeout',
          nextAttemptAt: 10_000,
          attempts: 1,
        });
        expect((await store.getOutbound(dead!.seq))?.state).toBe('dead');
        expect(await store.outboxStats('acme')).toMatchObject({
          queued: 1,
          sending: 0,
          sent: 1,
          failed: 1,
          dead: 1,
        });

        expect(await store.claimOutbound('acme', 10, 9_999)).toEqual([]);
        const [again] = await store.claimOutbound('acme', 10, 10_000);
        expect(again).toMatchObject({ seq: retry!.seq, attempts: 2, state: 'sending' });
        await store.settleOutbound('acme', [{ seq: again!.seq, state: 'sent' }]);
        expect(await status('retry')).toBe('sent');
        // Settling another account's seq does nothing.
        await store.settleOutbound('beta', [{ seq: ok!.seq, state: 'dead' }]);
        expect((await store.getOutbound(ok!.seq))?.state).toBe('sent');
      });

      it('a late settle never moves a delivered message back', async () => {
        await store.enqueueOutbound('acme', [outbox('k1')]);
        const [r] = await store.claimOutbound('acme', 1, 5_000);
        await store.updateMessageStatuses('acme', [{ id: 'out-k1', status: 'delivered' }]);
        await store.settleOutbound('acme', [{ seq: r!.seq, state: 'sent' }]);
        expect((await store.getMessage('acme', 'out', 'out-k1'))?.status).toBe('delivered');
      });

      it('requeueInflight puts sending rows back in the queue', async () => {
        await store.enqueueOutbound('acme', [outbox('k1'), outbox('k2'), outbox('k3')]);
        const claimed = await store.claimOutbound('acme', 2, 5_000);
        expect(await store.requeueInflight('beta')).toBe(0);
        expect(await store.requeueInflight('acme')).toBe(2);
        expect(await store.requeueInflight('acme')).toBe(0);
        expect((await store.getOutbound(claimed[0]!.seq))?.state).toBe('queued');
        expect((await store.getMessage('acme', 'out', 'out-k1'))?.status).toBe('queued');
        const again = await store.claimOutbound('acme', 10, 5_000);
        expect(again.map((r) => [r.idempotencyKey, r.attempts])).toEqual([
          ['k1', 2],
          ['k2', 2],
          ['k3', 1],
        ]);
      });

      it('outboxStats reports the age of the oldest queued row', async () => {
        expect(await store.outboxStats()).toEqual({
          queued: 0,
          sending: 0,
          sent: 0,
          failed: 0,
          dead: 0,
          oldestQueuedAgeMs: 0,
        });
        const createdAt = Date.now() - 60_000;
        await store.enqueueOutbound('acme', [outbox('k1', {}, createdAt), outbox('k2', {}, Date.now())]);
        const age = (await store.outboxStats('acme')).oldestQueuedAgeMs;
        expect(age).toBeGreaterThanOrEqual(60_000);
        expect(age).toBeLessThan(120_000);
        expect((await store.outboxStats('beta')).oldestQueuedAgeMs).toBe(0);
      });
    });

    describe('deleteAccount', () => {
      beforeEach(async () => {
        for (const id of ['acme', 'beta']) {
          await store.createAccount(account(id));
          await store.saveAuthState(id, [{ key: 'creds', value: Buffer.from(id) }]);
          await store.saveMessages([
            inbound(`${id}-1`, { account: id, body: 'findme one' }),
            inbound(`${id}-2`, { account: id, body: 'findme two' }),
          ]);
          await store.enqueueOutbound(id, [outbox('k1', { account: id })]);
        }
        // index what is there, so purge must also take rows out of the search index
        expect(await store.search('acme', 'findme', 10)).toHaveLength(2);
      });

      it('without purge keeps messages, contacts and outbox but drops auth state', async () => {
        expect(await store.deleteAccount('acme', { purge: false })).toBe(true);
        expect(await store.getAccount('acme')).toBeUndefined();
        expect((await store.loadAuthState('acme', ['creds'])).size).toBe(0);
        expect(await store.countMessages({ account: 'acme' })).toBe(3);
        expect(await store.search('acme', 'findme', 10)).toHaveLength(2);
        expect(await store.getContact('acme', '+15551110001')).toBeDefined();
        expect((await store.outboxStats('acme')).queued).toBe(1);
      });

      it('with purge also removes messages, contacts, chats, outbox and search hits', async () => {
        expect(await store.deleteAccount('acme', { purge: true })).toBe(true);
        expect(await store.countMessages({ account: 'acme' })).toBe(0);
        expect(await store.search('acme', 'findme', 10)).toEqual([]);
        expect(await store.getContact('acme', '+15551110001')).toBeUndefined();
        expect(await store.listChats('acme', 10)).toEqual([]);
        expect((await store.outboxStats('acme')).queued).toBe(0);
        expect(await store.history('acme', '+15551110001', { limit: 10 })).toEqual({
          messages: [],
          nextCursor: undefined,
        });
        // The other account is untouched.
        expect(await store.countMessages({ account: 'beta' })).toBe(3);
        expect(await store.search('beta', 'findme', 10)).toHaveLength(2);
        expect((await store.loadAuthState('beta', ['creds'])).size).toBe(1);
        // New messages after a purge are stored and searchable again.
        await store.saveMessages([inbound('acme-1', { body: 'findme again' })]);
        expect((await store.search('acme', 'findme', 10)).map((m) => m.id)).toEqual(['acme-1']);
      });
    });

    it('media metadata round trip', async () => {
      const ref = { sha256: 'b'.repeat(64), size: 42, mime: 'audio/ogg' };
      await store.saveMedia(ref);
      await store.saveMedia({ ...ref, fileName: 'again.ogg' });
      expect(await store.getMedia(ref.sha256)).toEqual(ref);
      expect(await store.getMedia('c'.repeat(64))).toBeUndefined();
      await store.saveMedia({ sha256: 'd'.repeat(64), size: 1, mime: 'text/plain', fileName: 'a.txt' });
      expect((await store.getMedia('d'.repeat(64)))?.fileName).toBe('a.txt');
    });

    describeWebhookConformance(() => store);
  });
}
