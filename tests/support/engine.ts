import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinda, type Linda } from '../../src/engine.js';
import type { LindaOptions } from '../../src/engine-options.js';

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'linda-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Options for load tests: no flood limit in the way, fast retries. */
export const LOAD_OPTIONS: Partial<LindaOptions> = {
  pipeline: { flood: { points: 1_000_000, durationMs: 1_000 } },
  outbox: { rate: { points: 1_000_000, durationMs: 1_000 }, backoff: { baseMs: 5, capMs: 50, jitter: 0 } },
};

/** A started engine on a temporary data directory; `close()` stops it and removes the directory. */
export async function startEngine(
  options: Partial<LindaOptions> = {},
): Promise<{ linda: Linda; dir: string; close: () => Promise<void> }> {
  const tmp = tempDir();
  const linda = await createLinda({ dataDir: tmp.dir, ...options });
  await linda.start();
  return {
    linda,
    dir: tmp.dir,
    close: async () => {
      await linda.stop();
      tmp.remove();
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
