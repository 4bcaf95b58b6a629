import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthCipher, createAuthStateStore } from '../../../src/accounts/auth-state.js';
import { createSqliteStore } from '../../../src/storage/sqlite/index.js';
import type { Store } from '../../../src/storage/types.js';
import { tempDir } from '../../support/engine.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function store(): Promise<Store> {
  const s = createSqliteStore({ path: ':memory:' });
  await s.init();
  cleanup.push(() => s.close());
  return s;
}

describe('encrypted auth state', () => {
  it('round-trips through the store, and what the store holds is not the plaintext', async () => {
    const s = await store();
    const auth = createAuthStateStore(s, 'acme', AuthCipher.withKey(Buffer.alloc(32, 7)));
    const creds = Buffer.from(JSON.stringify({ noiseKey: 'secret-noise-key' }));
    await auth.save([{ key: 'creds', value: creds }]);
    expect((await auth.load(['creds', 'missing'])).get('creds')).toEqual(creds);
    const raw = (await s.loadAuthState('acme', ['creds'])).get('creds')!;
    expect(raw.includes(Buffer.from('secret-noise-key'))).toBe(false);
    await auth.save([{ key: 'creds', value: null }]);
    expect((await auth.load(['creds'])).size).toBe(0);
  });

  it('refuses a value under another key or account, a tampered value, or a wrong key', async () => {
    const s = await store();
    const cipher = AuthCipher.withKey(Buffer.alloc(32, 1));
    const sealed = cipher.encrypt('acme', 'creds', Buffer.from('x'));
    expect(() => cipher.decrypt('other', 'creds', sealed)).toThrow(
      expect.objectContaining({ code: 'STORAGE_CORRUPT' }),
    );
    expect(() => cipher.decrypt('acme', 'keys', sealed)).toThrow(
      expect.objectContaining({ code: 'STORAGE_CORRUPT' }),
    );
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => cipher.decrypt('acme', 'creds', tampered)).toThrow(
      expect.objectContaining({ code: 'STORAGE_CORRUPT' }),
    );
    const other = AuthCipher.withKey(Buffer.alloc(32, 2));
    await createAuthStateStore(s, 'acme', cipher).save([{ key: 'creds', value: Buffer.from('y') }]);
    await expect(createAuthStateStore(s, 'acme', other).load(['creds'])).rejects.toMatchObject({
      code: 'STORAGE_CORRUPT',
    });
  });

  it('keeps its key in <data>/secret.key (0600) across restarts, or derives it from LINDA_SECRET', () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const a = AuthCipher.fromEnvironment(tmp.dir, {});
    expect(statSync(join(tmp.dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const b = AuthCipher.fromEnvironment(tmp.dir, {});
    expect(b.decrypt('x', 'k', a.encrypt('x', 'k', Buffer.from('v'))).toString()).toBe('v');
    const fromEnv = AuthCipher.fromEnvironment(tmp.dir, { LINDA_SECRET: 'correct horse' });
    const again = AuthCipher.fromEnvironment(undefined, { LINDA_SECRET: 'correct horse' });
    expect(again.decrypt('x', 'k', fromEnv.encrypt('x', 'k', Buffer.from('v'))).toString()).toBe('v');
    expect(() => a.decrypt('x', 'k', fromEnv.encrypt('x', 'k', Buffer.from('v')))).toThrow();
  });
});
