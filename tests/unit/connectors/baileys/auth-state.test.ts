import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthCipher, createAuthStateStore } from '../../../../src/accounts/auth-state.js';
import { createStoreAuthState } from '../../../../src/connectors/baileys/auth-state.js';
import { createSqliteStore } from '../../../../src/storage/sqlite/index.js';
import type { Store } from '../../../../src/storage/types.js';
import { memoryAuthState } from '../../../support/connector-context.js';
import { lib, proto } from './fake-socket.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function sqlite(): Promise<Store> {
  const s = createSqliteStore({ path: ':memory:' });
  await s.init();
  cleanup.push(() => s.close());
  return s;
}

describe('Baileys auth state on the encrypted store', () => {
  it('round-trips creds and signal keys through the real store and cipher, encrypted at rest', async () => {
    const store = await sqlite();
    const cipher = AuthCipher.withKey(Buffer.alloc(32, 9));
    const first = await createStoreAuthState(createAuthStateStore(store, 'acme', cipher), lib);
    expect(first.linked).toBe(false);
    first.state.creds.me = { id: '15550001234:7@s.whatsapp.net', name: 'Acme' };
    await first.saveCreds();
    const session = new Uint8Array([1, 2, 3, 250]);
    await first.state.keys.set({
      'pre-key': { '1': lib.Curve.generateKeyPair() },
      session: { '15550001111.0': session },
      'app-state-sync-key': {
        AAAA: { keyData: new Uint8Array([9, 9]), fingerprint: { rawId: 1 }, timestamp: 5 },
      },
    });

    const again = await createStoreAuthState(createAuthStateStore(store, 'acme', cipher), lib);
    expect(again.linked).toBe(true);
    expect(again.state.creds.me?.id).toBe('15550001234:7@s.whatsapp.net');
    expect(Buffer.from(again.state.creds.noiseKey.private)).toEqual(
      Buffer.from(first.state.creds.noiseKey.private),
    );
    expect(Buffer.isBuffer(again.state.creds.signedIdentityKey.public)).toBe(true);
    const sessions = await again.state.keys.get('session', ['15550001111.0', 'absent']);
    expect(Buffer.from(sessions['15550001111.0']!)).toEqual(Buffer.from(session));
    expect(sessions.absent).toBeUndefined();
    const syncKey = (await again.state.keys.get('app-state-sync-key', ['AAAA'])).AAAA;
    expect(syncKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);

    const raw = await store.loadAuthState('acme', ['creds', 'session-15550001111.0', 'pre-key-1']);
    expect([...raw.keys()].sort()).toEqual(['creds', 'pre-key-1', 'session-15550001111.0']);
    const noise = Buffer.from(first.state.creds.noiseKey.private).toString('base64');
    for (const sealed of raw.values()) {
      expect(sealed.includes(Buffer.from('noiseKey'))).toBe(false);
      expect(sealed.includes(Buffer.from(noise))).toBe(false);
      expect(sealed.includes(Buffer.from('Buffer'))).toBe(false); // BufferJSON's marker
    }
  });

  it('writes one keys.set in one save, deletes nulls, and serves repeated reads from its cache', async () => {
    const auth = memoryAuthState();
    const save = vi.spyOn(auth, 'save');
    const load = vi.spyOn(auth, 'load');
    const state = await createStoreAuthState(auth, lib);
    await state.state.keys.set({
      session: { a: new Uint8Array([1]), b: new Uint8Array([2]) },
      'sender-key': { g: new Uint8Array([3]) },
    });
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0]![0].map((e) => e.key).sort()).toEqual([
      'sender-key-g',
      'session-a',
      'session-b',
    ]);

    load.mockClear();
    await state.state.keys.get('session', ['a', 'b']);
    await state.state.keys.get('session', ['a', 'missing']);
    await state.state.keys.get('session', ['missing']);
    expect(load).toHaveBeenCalledTimes(1); // only 'missing', once: absences are cached too
    expect(load.mock.calls[0]![0]).toEqual(['session-missing']);

    await state.state.keys.set({ session: { a: null } });
    expect(auth.data.has('session-a')).toBe(false);
    expect((await state.state.keys.get('session', ['a'])).a).toBeUndefined();

    await state.clear();
    expect(auth.data.size).toBe(0);
    expect((await state.state.keys.get('session', ['b'])).b).toBeUndefined();
  });
});
