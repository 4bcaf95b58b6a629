import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../../src/domain/errors.js';
import { createSqliteStore } from '../../../src/storage/sqlite/index.js';
import { tempDir } from './temp-dir.js';

const tmp = tempDir('sqlite-errors');
afterAll(() => tmp.remove());

async function initError(path: string): Promise<StorageError> {
  const store = createSqliteStore({ path });
  const err = await store.init().then(
    () => undefined,
    (e: unknown) => e,
  );
  await store.close();
  expect(err).toBeInstanceOf(StorageError);
  return err as StorageError;
}

describe('sqlite store errors', () => {
  it('a file of random bytes is STORAGE_CORRUPT, naming the path', async () => {
    const path = join(tmp.dir, 'corrupt.db');
    writeFileSync(path, randomBytes(64 * 1024));
    const err = await initError(path);
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.message).toContain(path);
  });

  it('a path below a regular file is STORAGE_UNWRITABLE', async () => {
    const file = join(tmp.dir, 'plain-file');
    writeFileSync(file, 'not a directory');
    const path = join(file, 'linda.db');
    const err = await initError(path);
    expect(err.code).toBe('STORAGE_UNWRITABLE');
    expect(err.message).toContain(path);
  });

  it('a directory as the database path is STORAGE_UNWRITABLE', async () => {
    const err = await initError(tmp.dir);
    expect(err.code).toBe('STORAGE_UNWRITABLE');
  });

  it('other SQLite failures become STORAGE_FAILED with the cause', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.init();
    await store.enqueueOutbound('acme', [
      {
        idempotencyKey: 'k1',
        createdAt: 1,
        message: { account: 'acme', id: 'same', to: '+15550000002', kind: 'text' },
      },
    ]);
    // A second key reusing the network id would make two outbox rows for one message.
    const err = await store
      .enqueueOutbound('acme', [
        {
          idempotencyKey: 'k2',
          createdAt: 2,
          message: { account: 'acme', id: 'same', to: '+15550000002', kind: 'text' },
        },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('STORAGE_FAILED');
    expect((err as StorageError).cause).toBeInstanceOf(Error);
    // Nothing of the failed call was written.
    expect((await store.outboxStats('acme')).queued).toBe(1);
    await store.close();
  });
});
