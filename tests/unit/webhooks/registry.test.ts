import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthCipher } from '../../../src/accounts/auth-state.js';
import { LindaError } from '../../../src/domain/errors.js';
import { createSqliteStore } from '../../../src/storage/sqlite/index.js';
import type { Store } from '../../../src/storage/types.js';
import { WEBHOOK_EVENT_TYPES } from '../../../src/webhooks/event-types.js';
import { WebhookRegistry } from '../../../src/webhooks/registry.js';

const logger = pino({ level: 'silent' });
const key = randomBytes(32);

async function failure(p: Promise<unknown>): Promise<LindaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LindaError);
  return err as LindaError;
}

describe('WebhookRegistry', () => {
  let store: Store;
  let registry: WebhookRegistry;
  const accounts = new Set(['acme']);
  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:', indexIntervalMs: 0 });
    await store.init();
    registry = new WebhookRegistry(store, AuthCipher.withKey(key), logger, async (id) => {
      if (!accounts.has(id)) throw new LindaError('ACCOUNT_NOT_FOUND', `no account "${id}"`);
    });
  });
  afterEach(async () => {
    await store.close();
  });

  it('generates an id and a whsec_ secret shown once; the store holds it sealed', async () => {
    const created = await registry.create({ url: 'https://example.com/hook', events: ['message.received'] });
    expect(created.id).toMatch(/^wh_[0-9a-f]{20}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      url: 'https://example.com/hook',
      events: ['message.received'],
      account: null,
    });
    const { secret: _secret, ...view } = created;
    expect(registry.list()).toEqual([view]);
    expect(JSON.stringify(registry.list())).not.toContain(created.secret);
    const stored = await store.getWebhook(created.id);
    expect(stored?.secret.toString('utf8')).not.toContain(created.secret);
    expect(stored?.secret.includes(Buffer.from(created.secret))).toBe(false);

    // A fresh registry over the same store (a restart) unseals it.
    const again = new WebhookRegistry(store, AuthCipher.withKey(key), logger, async () => {});
    await again.load();
    expect(again.find(created.id)?.secret).toBe(created.secret);
    // Under another key it does not open: the webhook stays listed, without a secret.
    const other = new WebhookRegistry(store, AuthCipher.withKey(randomBytes(32)), logger, async () => {});
    await other.load();
    expect(other.find(created.id)?.secret).toBeUndefined();
  });

  it('keeps a user secret, expands * and dedupes types, and scopes to an existing account', async () => {
    const mine = await registry.create({
      url: 'http://127.0.0.1:8080/x?y=1',
      events: ['session.status', 'session.status'],
      account: 'acme',
      secret: 'my-own-secret-of-16+',
    });
    expect(mine.secret).toBe('my-own-secret-of-16+');
    expect(mine.events).toEqual(['session.status']);
    expect(mine.account).toBe('acme');
    const all = await registry.create({ url: 'https://example.com/all', events: ['message.sent', '*'] });
    expect(all.events).toEqual(['*']);
    expect([...registry.get(all.id).types]).toEqual(WEBHOOK_EVENT_TYPES);
    expect(registry.wantedTypes()).toEqual(new Set(WEBHOOK_EVENT_TYPES));

    expect([...registry.matching('session.status', 'acme')].map((w) => w.id)).toEqual([mine.id, all.id]);
    expect([...registry.matching('session.status', 'beta')].map((w) => w.id)).toEqual([all.id]);
    expect([...registry.matching('message.received', 'acme')].map((w) => w.id)).toEqual([all.id]);
  });

  it.each([
    ['a non-URL', { url: 'not a url', events: ['*'] }, 'url'],
    ['ftp', { url: 'ftp://example.com/x', events: ['*'] }, 'http or https'],
    ['javascript:', { url: 'javascript:alert(1)', events: ['*'] }, 'http or https'],
    ['credentials', { url: 'https://user:pw@example.com/x', events: ['*'] }, 'credentials'],
    ['a port fetch() refuses', { url: 'http://127.0.0.1:6000/x', events: ['*'] }, 'blocked by fetch'],
    ['a too long URL', { url: `https://example.com/${'a'.repeat(2048)}`, events: ['*'] }, 'url'],
    ['no events', { url: 'https://example.com', events: [] }, 'events'],
    [
      'an unknown event',
      { url: 'https://example.com', events: ['campaign.progress'] },
      'known: *, message.received',
    ],
    ['stats.tick (live only)', { url: 'https://example.com', events: ['stats.tick'] }, 'unknown event type'],
    ['a short secret', { url: 'https://example.com', events: ['*'], secret: 'short' }, 'secret'],
    [
      'a secret with spaces',
      { url: 'https://example.com', events: ['*'], secret: 'a secret with spaces' },
      'secret',
    ],
    ['a bad account id', { url: 'https://example.com', events: ['*'], account: '../x' }, 'account'],
    ['an unknown field', { url: 'https://example.com', events: ['*'], extra: 1 }, 'extra'],
  ])('rejects %s with VALIDATION_FAILED and stores nothing', async (_name, input, says) => {
    const err = await failure(registry.create(input as never));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(err.toJSON())).toContain(says);
    expect(await store.listWebhooks()).toEqual([]);
  });

  it('rejects an unknown account (ACCOUNT_NOT_FOUND) and unknown ids (WEBHOOK_NOT_FOUND)', async () => {
    const err = await failure(
      registry.create({ url: 'https://example.com', events: ['*'], account: 'ghost' }),
    );
    expect(err.code).toBe('ACCOUNT_NOT_FOUND');
    expect(() => registry.get('wh_nope')).toThrowError(
      expect.objectContaining({ code: 'WEBHOOK_NOT_FOUND' }),
    );
    expect((await failure(registry.remove('wh_nope'))).code).toBe('WEBHOOK_NOT_FOUND');
    const created = await registry.create({ url: 'https://example.com', events: ['*'] });
    await registry.remove(created.id);
    expect(registry.list()).toEqual([]);
    expect(await store.getWebhook(created.id)).toBeUndefined();
    expect(registry.wantedTypes().size).toBe(0);
  });
});
