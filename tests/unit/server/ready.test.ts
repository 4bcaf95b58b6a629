import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/app.js';
import type { LindaApi } from '../../../src/server/engine-api.js';
import { openDatabase } from '../../../src/storage/sqlite/database.js';
import { migrate, migrationsDir } from '../../../src/storage/sqlite/migrate.js';
import { createObservability } from '../../../src/storage/sqlite/observability.js';
import { type Harness, startHarness } from './harness.js';

const shipped = readdirSync(migrationsDir()).filter((f) => /^\d{3,}-[a-z0-9-]+\.sql$/.test(f)).length;

describe('GET /health and GET /ready', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('are open: /health says ok, /ready reports every shipped migration applied', async () => {
    h = await startHarness();
    const health = await h.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    const ready = await h.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, migrations: { applied: shipped, expected: shipped } });
    expect(shipped).toBeGreaterThanOrEqual(2);
  });

  it('answers 503 with a reason, and no file path, once the store is closed', async () => {
    h = await startHarness();
    await h.linda.store.close();
    const res = await h.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, reason: 'store unreachable (STORAGE_FAILED)' });
    expect(res.body).not.toContain(h.dataDir);
    // Liveness is not readiness: the process is still alive.
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('answers 503 naming the migrations a store has not applied', async () => {
    h = await startHarness();
    const real = h.linda;
    const behind = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'storeHealth') {
          return async () => ({
            migrations: { applied: ['001-initial'], expected: ['001-initial', '002-lean-writes'] },
          });
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as LindaApi;
    const app = buildServer(behind, { apiKey: 'k' });
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        ready: false,
        reason: 'migrations not applied: 002-lean-writes',
        migrations: { applied: 1, expected: 2, missing: ['002-lean-writes'] },
      });
    } finally {
      await app.close();
    }
  });
});

describe('SQLite store health', () => {
  it('takes the expected migrations from the migration files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linda-migrations-'));
    const db = openDatabase(':memory:');
    try {
      for (const f of readdirSync(migrationsDir())) {
        writeFileSync(join(dir, f), readFileSync(join(migrationsDir(), f), 'utf8'));
      }
      migrate(db);
      const applied = createObservability(db, dir).health().migrations;
      expect(applied.expected).toEqual(applied.applied);
      writeFileSync(join(dir, '999-future.sql'), 'SELECT 1;');
      const later = createObservability(db, dir).health().migrations;
      expect(later.expected).toEqual([...applied.applied, '999-future']);
      expect(later.applied).toEqual(applied.applied);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
