import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap } from 'baileys';
import { LRUCache } from 'lru-cache';
import type { AuthStateStore } from '../../accounts/auth-state.js';
import type { BaileysModule } from './types.js';

/** Baileys' auth state on the engine's encrypted store, plus what the connector does with it. */
export interface StoreAuthState {
  state: AuthenticationState;
  /** Persists the current creds (call on `creds.update`). */
  saveCreds(): Promise<void>;
  /** Forgets everything (logged out): the store and the cache. */
  clear(): Promise<void>;
  /** True once a device was linked (creds carry our own identity). */
  readonly linked: boolean;
}

/** Key of one signal record in the store: `<type>-<id>`, like Baileys' multi-file auth state. */
export function signalKey(type: string, id: string): string {
  return `${type}-${id}`;
}

const CREDS = 'creds';

/**
 * Baileys' `AuthenticationState` over `ctx.auth` (modelled on `useMultiFileAuthState`): values are
 * `BufferJSON` text, an LRU serves repeated reads, and each `keys.set` is one `auth.save` (one
 * transaction), so a crash never leaves half a key update behind.
 */
export async function createStoreAuthState(
  auth: AuthStateStore,
  lib: Pick<BaileysModule, 'BufferJSON' | 'initAuthCreds' | 'proto'>,
  opts: { cacheSize?: number } = {},
): Promise<StoreAuthState> {
  const { BufferJSON, proto } = lib;
  // Absent keys are cached too (as null): Baileys asks for missing sessions and pre-keys often.
  const cache = new LRUCache<string, { value: unknown }>({ max: opts.cacheSize ?? 5_000 });
  const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, BufferJSON.replacer));
  const decode = (raw: Buffer): unknown => JSON.parse(raw.toString('utf8'), BufferJSON.reviver);

  const stored = (await auth.load([CREDS])).get(CREDS);
  const creds: AuthenticationCreds =
    stored === undefined ? lib.initAuthCreds() : (decode(stored) as AuthenticationCreds);
  // Writes go out in the order Baileys made them.
  let writes: Promise<void> = Promise.resolve();
  const queue = (write: () => Promise<void>): Promise<void> => {
    const next = writes.then(write);
    writes = next.catch(() => {});
    return next;
  };

  const keys: AuthenticationState['keys'] = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      const missing: string[] = [];
      for (const id of ids) {
        const hit = cache.get(signalKey(type, id));
        if (hit === undefined) missing.push(id);
        else if (hit.value !== null) out[id] = hit.value as SignalDataTypeMap[T];
      }
      if (missing.length > 0) {
        const loaded = await auth.load(missing.map((id) => signalKey(type, id)));
        for (const id of missing) {
          const raw = loaded.get(signalKey(type, id));
          let value: unknown = raw === undefined ? null : decode(raw);
          if (type === 'app-state-sync-key' && value !== null) {
            value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
          }
          cache.set(signalKey(type, id), { value });
          if (value !== null) out[id] = value as SignalDataTypeMap[T];
        }
      }
      return out;
    },
    set(data: SignalDataSet) {
      const entries: Array<{ key: string; value: Buffer | null }> = [];
      const values: Array<[string, unknown]> = [];
      for (const [type, byId] of Object.entries(data)) {
        for (const [id, value] of Object.entries(byId ?? {})) {
          const key = signalKey(type, id);
          entries.push({ key, value: value == null ? null : encode(value) });
          values.push([key, value ?? null]);
        }
      }
      if (entries.length === 0) return Promise.resolve();
      return queue(async () => {
        await auth.save(entries);
        for (const [key, value] of values) cache.set(key, { value });
      });
    },
  };

  return {
    state: { creds, keys },
    saveCreds: () => queue(() => auth.save([{ key: CREDS, value: encode(creds) }])),
    clear: () =>
      queue(async () => {
        cache.clear();
        await auth.clear();
      }),
    get linked() {
      return creds.me?.id !== undefined;
    },
  };
}
