import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median } from '../stats.js';
import type { Scenario } from '../types.js';

const run = promisify(execFile);
const MB = 2 ** 20;

/** From source (tsx, vitest) the engine is a `.ts` file and the child needs tsx's loader. */
const fromSource = import.meta.url.endsWith('.ts');
const ENGINE = new URL(`../../engine.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;

const IDLE_NODE =
  'globalThis.gc(); globalThis.gc(); process.stdout.write(String(process.memoryUsage().heapUsed));';
const IDLE_LINDA = `
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { createLinda } = await import(${JSON.stringify(ENGINE)});
const dir = mkdtempSync(join(tmpdir(), 'linda-idle-'));
const linda = await createLinda({ dataDir: dir });
await linda.start();
for (let i = 0; i < 5; i++) await linda.createAccount({ id: 'idle' + i });
await new Promise((r) => setTimeout(r, 200));
globalThis.gc(); globalThis.gc();
const heap = process.memoryUsage().heapUsed;
await linda.stop();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(String(heap));
`;

/** Heap used (bytes) reported by a fresh `node --expose-gc` running `code` as an ES module. */
async function childHeap(code: string): Promise<number> {
  const args = [...(fromSource ? ['--import', 'tsx'] : []), '--expose-gc', '--input-type=module', '-e', code];
  const { stdout } = await run(process.execPath, args, { timeout: 60_000 });
  const bytes = Number(stdout.trim());
  if (!Number.isFinite(bytes)) throw new Error(`child printed no heap size: ${stdout.slice(0, 200)}`);
  return bytes;
}

/**
 * The heap of an engine with 5 idle accounts, in its own process (so the bench's own objects
 * do not count), next to the heap of an idle node process — the floor it is up against.
 */
export const idleMemory: Scenario = {
  name: 'idle-memory',
  description: 'heap with 5 idle accounts vs an idle node',
  async run(ctx) {
    const reps = ctx.pick(2, 5);
    const linda: number[] = [];
    const node: number[] = [];
    for (let r = 0; r < reps; r++) {
      node.push((await childHeap(IDLE_NODE)) / MB);
      linda.push((await childHeap(IDLE_LINDA)) / MB);
      ctx.progress((r + 1) / reps);
    }
    const over = median(linda) - median(node);
    return [
      { metric: 'memory.idle5', samples: linda, note: `${over.toFixed(1)} MB above idle node` },
      { metric: 'limit.node-heap', samples: node, note: 'node --expose-gc, nothing loaded' },
    ];
  },
};
