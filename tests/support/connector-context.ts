import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { AuthStateStore } from '../../src/accounts/auth-state.js';
import type { SessionServices } from '../../src/accounts/session.js';
import type { ConnectorContext } from '../../src/connectors/types.js';
import { createMediaStore } from '../../src/storage/media-store.js';

/** An in-memory auth-state store, for connector tests that do not need the real one. */
export function memoryAuthState(): AuthStateStore & { data: Map<string, Buffer> } {
  const data = new Map<string, Buffer>();
  return {
    data,
    load: async (keys) => new Map(keys.flatMap((k) => (data.has(k) ? [[k, data.get(k)!] as const] : []))),
    save: async (entries) => {
      for (const { key, value } of entries) {
        if (value === null) data.delete(key);
        else data.set(key, value);
      }
    },
    clear: async () => data.clear(),
  };
}

/** Session services for connector tests: memory auth state, a temp media dir, a silent logger. */
export function testServices(): SessionServices {
  return {
    auth: memoryAuthState(),
    media: createMediaStore({ dir: mkdtempSync(join(tmpdir(), 'linda-media-')) }),
    getMessage: async () => undefined,
    logger: pino({ level: 'silent' }),
  };
}

/** A full connector context for `account`. */
export function testContext(account: string, config: Record<string, unknown> = {}): ConnectorContext {
  return { ...testServices(), account, phone: undefined, config };
}
