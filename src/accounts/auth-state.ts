import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../domain/errors.js';
import type { Store } from '../storage/types.js';

/** A connector's credentials and keys for one account, as opaque bytes per key. */
export interface AuthStateStore {
  load(keys: string[]): Promise<Map<string, Buffer>>;
  /** `null` deletes the key; applied in one transaction. */
  save(entries: Array<{ key: string; value: Buffer | null }>): Promise<void>;
  clear(): Promise<void>;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for auth state at rest. Each value is `version | iv | tag | ciphertext`, and the
 * account and key are bound in as associated data, so a value copied to another key or account
 * does not decrypt.
 */
export class AuthCipher {
  private constructor(private readonly key: Buffer) {}

  /** A 32-byte key from `LINDA_SECRET` (any string, hashed) or `<dataDir>/secret.key` (made, 0600). */
  static fromEnvironment(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): AuthCipher {
    const secret = env.LINDA_SECRET;
    if (secret !== undefined && secret.length > 0)
      return new AuthCipher(createHash('sha256').update(secret).digest());
    if (dataDir === undefined) return new AuthCipher(randomBytes(32)); // in-memory engines: keys die with the process
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32)
      throw new StorageError('STORAGE_CORRUPT', `${file} does not hold a 32-byte base64 key`);
    return new AuthCipher(key);
  }

  /** For tests: a cipher on a given key. */
  static withKey(key: Buffer): AuthCipher {
    if (key.length !== 32) throw new RangeError('AES-256 needs a 32-byte key');
    return new AuthCipher(key);
  }

  encrypt(account: string, key: string, value: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${account}\n${key}`));
    const body = Buffer.concat([cipher.update(value), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(account: string, key: string, sealed: Buffer): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
      throw new StorageError('STORAGE_CORRUPT', `auth state ${account}/${key} is not in a known format`);
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(`${account}\n${key}`));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (err) {
      throw new StorageError(
        'STORAGE_CORRUPT',
        `auth state ${account}/${key} does not decrypt (wrong LINDA_SECRET or secret.key?)`,
        undefined,
        { cause: err },
      );
    }
  }
}

/** The encrypted auth-state store of one account, on the engine's store. */
export function createAuthStateStore(store: Store, account: string, cipher: AuthCipher): AuthStateStore {
  return {
    async load(keys) {
      const sealed = await store.loadAuthState(account, keys);
      const out = new Map<string, Buffer>();
      for (const [key, value] of sealed) out.set(key, cipher.decrypt(account, key, value));
      return out;
    },
    save: (entries) =>
      store.saveAuthState(
        account,
        entries.map(({ key, value }) => ({
          key,
          value: value === null ? null : cipher.encrypt(account, key, value),
        })),
      ),
    clear: () => store.clearAuthState(account),
  };
}
