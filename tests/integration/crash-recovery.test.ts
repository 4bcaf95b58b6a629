import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxNetwork, type SandboxServer, serveSandbox } from '../../src/connectors/sandbox/index.js';
import { createSqliteStore } from '../../src/storage/sqlite/index.js';
import { eventually, tempDir } from '../support/engine.js';

function startChild(dataDir: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/crash-child.ts', dataDir, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`engine exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
  });
}

describe('crash recovery (engine SIGKILLed while messages stream in)', () => {
  let child: ChildProcess | undefined;
  let server: SandboxServer | undefined;
  const tmp = tempDir();
  afterEach(async () => {
    child?.kill('SIGKILL');
    await server?.close();
    tmp.remove();
  });

  it('keeps every acknowledged inbound message and sends every queued reply, never under two ids', async () => {
    const network = new SandboxNetwork();
    server = await serveSandbox(network, { port: 0 });
    const url = `tcp://127.0.0.1:${server.port}`;
    child = await startChild(tmp.dir, url);
    await eventually(() => network.attachedAccounts().includes('crash'), 'the engine to attach', 15_000);

    const acked: string[] = [];
    let refused = 0;
    let n = 0;
    let killed = false;
    const stream = async (): Promise<void> => {
      while (!killed) {
        const text = `m${n++}`;
        try {
          await network.say('crash', `+1555200${String(n % 7).padStart(4, '0')}`, text);
          acked.push(text);
        } catch {
          refused++;
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    };
    const lanes = Array.from({ length: 20 }, stream);
    await eventually(() => acked.length >= 400, '400 acknowledged messages', 20_000);
    const deliveredBeforeKill = network.stats().delivered;
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    killed = true;
    await Promise.all(lanes);
    expect(acked.length).toBeGreaterThanOrEqual(400);

    child = await startChild(tmp.dir, url);
    const wanted = new Set(acked.map((t) => `echo ${t}`));
    await eventually(
      () => {
        const bodies = new Set(network.deliveries({ account: 'crash' }).map((d) => d.body));
        for (const w of wanted) if (!bodies.has(w)) return false;
        return true;
      },
      'a reply to every acknowledged message',
      30_000,
    );
    // Each reply went out under one network id only (a re-send after the crash reuses the id).
    const idsByBody = new Map<string, Set<string>>();
    for (const d of network.deliveries({ account: 'crash' })) {
      const ids = idsByBody.get(d.body ?? '') ?? new Set<string>();
      ids.add(d.id);
      idsByBody.set(d.body ?? '', ids);
    }
    for (const [body, ids] of idsByBody) expect(ids.size, body).toBe(1);
    // Every acknowledged inbound message is in the store the restarted engine uses.
    const store = createSqliteStore({ path: join(tmp.dir, 'linda.db') });
    await store.init();
    try {
      const texts = new Set<string>();
      let cursor: string | undefined;
      for (const chat of new Set(network.deliveries({ account: 'crash' }).map((d) => d.to))) {
        cursor = undefined;
        do {
          const page = await store.history('crash', chat, { limit: 200, before: cursor });
          for (const m of page.messages) if (m.direction === 'in' && m.body !== undefined) texts.add(m.body);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
      }
      for (const t of acked) expect(texts.has(t), t).toBe(true);
    } finally {
      await store.close();
    }
    console.info(
      `crash test: ${acked.length} acknowledged, ${refused} refused around the kill, ` +
        `${deliveredBeforeKill} replies before the kill, ${network.stats().delivered} after restart, ` +
        `${network.stats().duplicates} re-sent with the same id`,
    );
  }, 90_000);
});
