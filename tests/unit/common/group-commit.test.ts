import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/common/group-commit.js';

describe('GroupCommit', () => {
  it('writes everything added in one tick as one batch and resolves each caller with its own result', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3].map((i) => gc.add(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes as soon as maxBatch items wait', async () => {
    const batches: number[] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items.length);
      return items;
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.add(i)));
    expect(batches).toEqual([4, 4, 2]);
  });

  it('rejects every caller of a failed batch, and later batches still work', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const failed = await Promise.allSettled([gc.add(1), gc.add(2)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(gc.add(3)).resolves.toBe(3);
  });

  it('does not resolve before the write has finished (resolved means durable)', async () => {
    let release!: () => void;
    const written: number[] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      await new Promise<void>((r) => {
        release = r;
      });
      written.push(...items);
      return items;
    });
    let resolved = false;
    const p = gc.add(7).then(() => {
      resolved = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    release();
    await p;
    expect(written).toEqual([7]);
    await gc.drain();
  });
});
