import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Linda } from '../../src/engine.js';
import { buildServer } from '../../src/server/app.js';
import { registerEventRoutes } from '../../src/server/routes/events.js';
import { eventually, startEngine } from '../support/engine.js';

const KEY = 'sse-test-key-0123456789abcdef';
const FROM = '+15550002222';

interface Frame {
  id: string;
  event: string;
  data: { id: string; type: string; account: string; data: Record<string, unknown> };
}

/** An open SSE stream read with fetch() and a ReadableStream, as a browser dashboard would. */
interface Client {
  frames: Frame[];
  comments: string[];
  ended: Promise<void>;
  close(): void;
}

async function subscribe(base: string, query = '', path = '/v1/events'): Promise<Client> {
  const abort = new AbortController();
  const res = await fetch(`${base}${path}${query}`, {
    headers: { authorization: `Bearer ${KEY}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const client: Client = { frames: [], comments: [], ended: Promise.resolve(), close: () => abort.abort() };
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  client.ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (block.startsWith(':')) {
            client.comments.push(block.slice(1).trim());
            continue;
          }
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2) ?? '';
          client.frames.push({ id: field('id'), event: field('event'), data: JSON.parse(field('data')) });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  // The first comment proves the listener is attached.
  await eventually(() => client.comments.includes('connected'), 'the stream to open');
  return client;
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function serve(): Promise<{ linda: Linda; base: string; app: FastifyInstance }> {
  const engine = await startEngine({ demo: true });
  cleanup.push(engine.close);
  const app = buildServer(engine.linda, { apiKey: KEY });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close());
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { linda: engine.linda, base: `http://127.0.0.1:${port}`, app };
}

describe('GET /v1/events (SSE)', () => {
  it('streams a sandbox !ping as id/event/data frames and removes its listener on disconnect', async () => {
    const { linda, base } = await serve();
    const before = linda.events.listenerCount();
    const client = await subscribe(base);
    expect(linda.events.listenerCount()).toBeGreaterThan(before);

    await linda.sandboxSay('demo', FROM, '!ping');
    await eventually(() => client.frames.some((f) => f.event === 'message.sent'), 'message.sent');
    const types = client.frames.map((f) => f.event);
    expect(types).toEqual(expect.arrayContaining(['message.received', 'message.handled', 'message.sent']));
    for (const f of client.frames) {
      expect(f.id).toBe(f.data.id);
      expect(f.event).toBe(f.data.type);
    }
    const received = client.frames.find((f) => f.event === 'message.received')!;
    expect(received.data.account).toBe('demo');
    expect((received.data.data.message as { body: string }).body).toBe('!ping');

    client.close();
    await client.ended;
    await eventually(() => linda.events.listenerCount() === before, 'the listener to go');
  });

  it('filters by type and by account', async () => {
    const { linda, base } = await serve();
    await linda.createAccount({ id: 'other', connector: 'sandbox' });
    const sentOnly = await subscribe(base, '?types=message.sent');
    const otherOnly = await subscribe(base, '?account=other&types=message.received,message.sent');

    await linda.sandboxSay('demo', FROM, '!ping');
    await linda.sandboxSay('other', FROM, '!ping');
    await eventually(() => otherOnly.frames.some((f) => f.event === 'message.sent'), 'other account sent');
    await eventually(() => sentOnly.frames.length >= 2, 'both sent events');

    expect(sentOnly.frames.map((f) => f.event)).toEqual(['message.sent', 'message.sent']);
    expect(sentOnly.frames.map((f) => f.data.account).sort()).toEqual(['demo', 'other']);
    expect(otherOnly.frames.map((f) => [f.event, f.data.account])).toEqual([
      ['message.received', 'other'],
      ['message.sent', 'other'],
    ]);
    sentOnly.close();
    otherOnly.close();
  });

  it('refuses unknown types (VALIDATION_FAILED listing the known ones) and requests without the key', async () => {
    const { base } = await serve();
    const bad = await fetch(`${base}/v1/events?types=message.sent,campaign.progress`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toContain('known: *, message.received');
    expect((await fetch(`${base}/v1/events`)).status).toBe(401);
  });

  it('closing the server ends open streams instead of hanging on them', async () => {
    const { base, app } = await serve();
    const client = await subscribe(base);
    await app.close();
    await client.ended;
  });

  /** Only the SSE route, on a bare app without auth, with test-sized limits. */
  async function bare(
    opts: Parameters<typeof registerEventRoutes>[2],
  ): Promise<{ linda: Linda; port: number }> {
    const engine = await startEngine();
    cleanup.push(engine.close);
    const app = Fastify();
    registerEventRoutes(app, engine.linda, opts);
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => app.close());
    const address = app.server.address();
    return { linda: engine.linda, port: typeof address === 'object' && address !== null ? address.port : 0 };
  }

  it('sends a keepalive comment on the interval', async () => {
    const { port } = await bare({ keepaliveMs: 30 });
    const client = await subscribe(`http://127.0.0.1:${port}`, '', '/events');
    await eventually(() => client.comments.filter((c) => c === 'keepalive').length >= 2, 'two keepalives');
    client.close();
  });

  it('cuts off a client that stops reading once ~1 MiB is buffered, and drops its listener', async () => {
    const { linda, port } = await bare({ maxBufferBytes: 1024 * 1024 });
    const socket = connect(port, '127.0.0.1');
    socket.pause(); // never reads: the kernel buffers fill, then Node's
    let closed = false;
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', () => {});
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(linda.events.listenerCount()).toBe(0);
    await eventually(() => linda.events.listenerCount() > 0, 'the slow client to subscribe');

    const big = 'x'.repeat(100_000);
    const heapBefore = process.memoryUsage().heapUsed;
    // Up to 40 MB offered; the stream must end long before.
    for (let i = 0; i < 400 && linda.events.listenerCount() > 0; i++) {
      linda.events.publish('session.status', 'demo', { status: 'ready', error: big });
      await new Promise((r) => setImmediate(r));
    }
    await eventually(() => linda.events.listenerCount() === 0, 'the slow client to be cut off');
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(30 * 1024 * 1024);
    socket.resume();
    await eventually(() => closed, 'the socket to close');
  });
});
