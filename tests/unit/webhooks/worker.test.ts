import { createServer, type RequestListener, type Server } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/storage/sqlite/index.js';
import type { Store, WebhookDeliveryRecord } from '../../../src/storage/types.js';
import type { LiveWebhook } from '../../../src/webhooks/registry.js';
import { WebhookWorker, type WebhookWorkerOptions } from '../../../src/webhooks/worker.js';
import { eventually } from '../../support/engine.js';
import { delivery, webhook } from '../storage/webhook-conformance.js';

const OPTIONS: WebhookWorkerOptions = {
  concurrency: 4,
  timeoutMs: 2_000,
  maxAttempts: 3,
  backoff: { baseMs: 5, capMs: 20, jitter: 0 },
};

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function serve(handler: RequestListener): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
}

/** A store with one webhook at `url` and `n` queued deliveries, and a worker over them. */
async function setup(
  url: string,
  opts: Partial<WebhookWorkerOptions> = {},
  /** null: as if the sealed secret did not open. */
  secret: string | null = 'whsec_unit-test-secret',
): Promise<{ store: Store; worker: WebhookWorker; row: (id: string) => Promise<WebhookDeliveryRecord> }> {
  const store = createSqliteStore({ path: ':memory:', indexIntervalMs: 0 });
  await store.init();
  cleanup.push(() => store.close());
  await store.createWebhook(webhook('wh_a', { url }));
  await store.enqueueWebhookDeliveries([delivery('d1', 'wh_a', 'evt_1', Date.now())]);
  const live: LiveWebhook = {
    id: 'wh_a',
    url,
    types: new Set(['message.received']),
    account: undefined,
    secret: secret ?? undefined,
    enabled: true,
    view: { id: 'wh_a', url, events: ['message.received'], account: null, enabled: true, createdAt: 0 },
  };
  const worker = new WebhookWorker(
    store,
    (id) => (id === 'wh_a' ? live : undefined),
    { ...OPTIONS, ...opts },
    pino({ level: 'silent' }),
  );
  cleanup.push(() => worker.stop());
  return { store, worker, row: async (id) => (await store.getWebhookDelivery(id))! };
}

describe('WebhookWorker', () => {
  it('counts a slow receiver as a failed attempt after timeoutMs', async () => {
    const url = await serve(() => {}); // never answers
    const { worker, row } = await setup(url, { timeoutMs: 100, maxAttempts: 1 });
    worker.wake();
    await eventually(async () => (await row('d1')).state === 'dead', 'dead after the timeout', 5_000);
    expect(await row('d1')).toMatchObject({
      attempts: 1,
      lastError: 'no answer in 100 ms',
      lastStatus: undefined,
    });
  });

  it('does not follow a redirect', async () => {
    let hits = 0;
    const target = await serve((_req, res) => {
      hits++;
      res.writeHead(204).end();
    });
    const url = await serve((_req, res) => res.writeHead(302, { location: target }).end());
    const { worker, row } = await setup(url, { maxAttempts: 1 });
    worker.wake();
    await eventually(async () => (await row('d1')).state === 'dead', 'dead');
    expect(await row('d1')).toMatchObject({ lastStatus: 302, lastError: 'HTTP 302' });
    expect(hits).toBe(0);
  });

  it('waits at least Retry-After (within the cap) before the next attempt', async () => {
    const url = await serve((_req, res) => res.writeHead(429, { 'retry-after': '1' }).end());
    const { worker, row } = await setup(url, { backoff: { baseMs: 5, capMs: 60_000, jitter: 0 } });
    const before = Date.now();
    worker.wake();
    await eventually(async () => (await row('d1')).lastStatus === 429, 'the first answer');
    const after = await row('d1');
    expect(after.state).toBe('queued');
    expect(after.nextAttemptAt - before).toBeGreaterThanOrEqual(1_000);
  });

  it('reports a refused connection and a secret that did not unseal, and dies after maxAttempts', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const { worker, row } = await setup(`http://127.0.0.1:${port}/nothing-listens`);
    worker.wake();
    await eventually(async () => (await row('d1')).state === 'dead', 'dead', 5_000);
    expect((await row('d1')).attempts).toBe(3);
    expect((await row('d1')).lastError).toMatch(/ECONNREFUSED/);

    const sealed = await setup(`http://127.0.0.1:${port}/`, {}, null);
    sealed.worker.wake();
    await eventually(async () => (await sealed.row('d1')).state === 'dead', 'dead without a secret');
    expect((await sealed.row('d1')).lastError).toContain('does not decrypt');
  });

  it('runs more than 10 attempts at once without a MaxListenersExceededWarning on its stop signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    cleanup.push(() => {
      process.off('warning', onWarning);
    });
    const url = await serve(() => {}); // every attempt hangs until the worker stops
    const { store, worker, row } = await setup(url, { concurrency: 16, timeoutMs: 60_000 });
    await store.enqueueWebhookDeliveries(
      Array.from({ length: 15 }, (_, i) => delivery(`d${i + 2}`, 'wh_a', `evt_${i + 2}`, Date.now())),
    );
    worker.wake();
    await eventually(async () => {
      const states = await Promise.all(Array.from({ length: 16 }, (_, i) => row(`d${i + 1}`)));
      return states.every((d) => d.state === 'sending');
    }, '16 attempts in flight');
    await worker.stop();
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('stop aborts a hung request at once and puts the row back in the queue, due now', async () => {
    const url = await serve(() => {});
    const { worker, row } = await setup(url, { timeoutMs: 60_000 });
    worker.wake();
    await eventually(async () => (await row('d1')).state === 'sending', 'the attempt');
    const started = Date.now();
    await worker.stop();
    // Far below the 60 s timeout the attempt would otherwise wait out; loose, as the CI shares 2 cores.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await row('d1')).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'interrupted: engine stopped',
    });
    expect((await row('d1')).nextAttemptAt).toBeLessThanOrEqual(Date.now());
  });
});
