import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorFactory, ConnectorSink } from '../../../src/connectors/types.js';
import type { Linda } from '../../../src/engine.js';
import { buildServer } from '../../../src/server/app.js';
import { eventually, LOAD_OPTIONS, startEngine } from '../../support/engine.js';
import {
  type MetricFamily,
  parsePrometheusText,
  sampleSum,
  sampleValue,
} from '../../support/prometheus-text.js';

const API_KEY = 'metrics-test-key-0123456789';
const METRICS_TOKEN = 'metrics-read-only-token-0123456789';

/** A connector whose connection the test can drop, to make the session reconnect. */
function droppableFactory(): ConnectorFactory & { sinks: ConnectorSink[] } {
  const sinks: ConnectorSink[] = [];
  const factory = (): Connector => ({
    kind: 'droppable',
    connect: async (sink) => {
      sinks.push(sink);
    },
    disconnect: async () => {},
    send: async (message) => ({ id: message.id, timestamp: Date.now() }),
  });
  return Object.assign(factory, { sinks });
}

describe('GET /metrics', () => {
  let linda: Linda;
  let app: FastifyInstance;
  let closeEngine: () => Promise<void>;
  const droppable = droppableFactory();

  beforeAll(async () => {
    const engine = await startEngine({
      ...LOAD_OPTIONS,
      connectors: { droppable },
      session: { backoff: { baseMs: 5, capMs: 20, jitter: 0 }, maxFailures: 100 },
    });
    linda = engine.linda;
    closeEngine = engine.close;
    await linda.createAccount({ id: 'load', connector: 'sandbox' });
    app = buildServer(linda, { apiKey: API_KEY, metricsToken: METRICS_TOKEN });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await closeEngine();
  });

  async function scrape(token = API_KEY): Promise<Map<string, MetricFamily>> {
    const res = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    return parsePrometheusText(res.body);
  }

  it('answers an anonymous or wrongly authenticated scrape with 401 UNAUTHORIZED', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Basic ${btoa(`x:${API_KEY}`)}`, 'Bearer']) {
      const res = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      expect(res.body).not.toContain('linda_');
    }
  });

  it('serves the text format that a strict parser accepts, with the engine and process families', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(res.body);
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      linda_messages_total: 'counter',
      linda_pipeline_latency_seconds: 'histogram',
      linda_messages_handled_total: 'counter',
      linda_outbox_depth: 'gauge',
      linda_outbox_oldest_queued_age_seconds: 'gauge',
      linda_sends_total: 'counter',
      linda_rate_limit_waits_total: 'counter',
      linda_rate_limit_wait_seconds_total: 'counter',
      linda_cache_hits_total: 'counter',
      linda_cache_misses_total: 'counter',
      linda_sessions: 'gauge',
      linda_reconnects_total: 'counter',
      linda_store_up: 'gauge',
      nodejs_gc_duration_seconds: 'histogram',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      process_resident_memory_bytes: 'gauge',
    });
    expect(sampleValue(families, 'linda_store_up')).toBe(1);
    expect(sampleValue(families, 'linda_sessions', { status: 'ready' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('the read-only metrics token opens /metrics and no /v1 route', async () => {
    await scrape(METRICS_TOKEN);
    const before = (await linda.listAccounts()).length;
    for (const [method, url] of [
      ['GET', '/v1/status'],
      ['GET', '/v1/stats'],
      ['GET', '/v1/accounts'],
      ['POST', '/v1/accounts'],
      ['POST', '/v1/accounts/load/messages'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        ...(method === 'POST' ? { payload: { id: 'intruder', to: '+15550001234', text: 'hi' } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
    expect((await linda.listAccounts()).length).toBe(before);
  });

  it('counters move under load: 200 messages in, handled, replied and sent', async () => {
    const before = await scrape();
    const base = {
      in: sampleSum(before, 'linda_messages_total', { account: 'load', direction: 'in' }),
      out: sampleSum(before, 'linda_messages_total', { account: 'load', direction: 'out' }),
      handled: sampleSum(before, 'linda_pipeline_latency_seconds_count', { account: 'load' }),
      ok: sampleSum(before, 'linda_messages_handled_total', { account: 'load', outcome: 'ok' }),
      sent: sampleSum(before, 'linda_sends_total', { account: 'load', result: 'sent' }),
    };
    const delivered = linda.sandbox.stats().delivered;
    const items = Array.from({ length: 200 }, (_, i) => ({
      from: `+1555200${String(i % 20).padStart(4, '0')}`,
      input: '!ping',
    }));
    await linda.sandbox.sayMany('load', items, { concurrency: 50 });
    await linda.idle();
    await eventually(() => linda.sandbox.stats().delivered - delivered >= 200, '200 replies delivered');
    // message.sent is published once the outcome is recorded, a moment after the delivery.
    let after = await scrape();
    await eventually(async () => {
      after = await scrape();
      return sampleSum(after, 'linda_sends_total', { account: 'load', result: 'sent' }) - base.sent >= 200;
    }, 'sends recorded');

    expect(
      sampleSum(after, 'linda_messages_total', { account: 'load', direction: 'in', kind: 'text' }) - base.in,
    ).toBe(200);
    expect(sampleSum(after, 'linda_messages_total', { account: 'load', direction: 'out' }) - base.out).toBe(
      200,
    );
    expect(sampleSum(after, 'linda_sends_total', { account: 'load', result: 'sent' }) - base.sent).toBe(200);
    // Every handled message is one histogram observation; the +Inf bucket equals the count.
    const count = sampleSum(after, 'linda_pipeline_latency_seconds_count', { account: 'load' });
    expect(count - base.handled).toBe(200);
    expect(sampleValue(after, 'linda_pipeline_latency_seconds_bucket', { account: 'load', le: '+Inf' })).toBe(
      count,
    );
    expect(
      sampleSum(after, 'linda_messages_handled_total', { account: 'load', outcome: 'ok' }) - base.ok,
    ).toBe(200);
    expect(sampleValue(after, 'linda_pipeline_latency_seconds_sum', { account: 'load' })).toBeGreaterThan(0);
    // The dedupe cache is looked up once per inbound message.
    const lookups = (f: Map<string, MetricFamily>) =>
      sampleSum(f, 'linda_cache_hits_total', { cache: 'dedupe' }) +
      sampleSum(f, 'linda_cache_misses_total', { cache: 'dedupe' });
    expect(lookups(after) - lookups(before)).toBeGreaterThanOrEqual(200);
  });

  it('counts failed send attempts by result', async () => {
    const before = await scrape();
    const retries = sampleSum(before, 'linda_sends_total', { account: 'load', result: 'retry' });
    linda.sandbox.configure({ failureRate: 1 });
    try {
      await linda.send('load', '+15550009999', 'will fail at first');
      await eventually(async () => {
        const f = await scrape();
        return sampleSum(f, 'linda_sends_total', { account: 'load', result: 'retry' }) > retries;
      }, 'a retry counted');
    } finally {
      linda.sandbox.configure({ failureRate: 0 });
    }
  });

  it('reports the outbox backlog and rate-limit waits of a throttled account at scrape time', async () => {
    await linda.createAccount({
      id: 'slow',
      connector: 'sandbox',
      config: { sendRate: { points: 1, durationMs: 600_000 } },
    });
    for (let i = 0; i < 4; i++) await linda.send('slow', `+1555300000${i}`, `message ${i}`);
    // One goes out; the next waits for the account's send rate, the rest wait in the queue.
    let f = await scrape();
    await eventually(async () => {
      f = await scrape();
      return sampleSum(f, 'linda_rate_limit_waits_total', { account: 'slow', limiter: 'account' }) >= 1;
    }, 'a send waiting for the rate limit');
    const waiting =
      sampleSum(f, 'linda_outbox_depth', { account: 'slow', state: 'queued' }) +
      sampleSum(f, 'linda_outbox_depth', { account: 'slow', state: 'sending' });
    expect(waiting).toBe(3);
    expect(
      sampleValue(f, 'linda_outbox_oldest_queued_age_seconds', { account: 'slow' }),
    ).toBeGreaterThanOrEqual(0);
    expect(sampleSum(f, 'linda_sends_total', { account: 'slow', result: 'sent' })).toBe(1);
    await linda.stopAccount('slow'); // stops the waits
    f = await scrape();
    expect(
      sampleValue(f, 'linda_rate_limit_wait_seconds_total', { account: 'slow', limiter: 'account' }),
    ).toBeGreaterThan(0);
    // Stopped: what was claimed went back to the queue.
    expect(sampleValue(f, 'linda_outbox_depth', { account: 'slow', state: 'queued' })).toBe(3);
  });

  it('counts reconnects when a session loses its connection', async () => {
    await linda.createAccount({ id: 'flaky', connector: 'droppable' });
    const before = sampleSum(await scrape(), 'linda_reconnects_total', { account: 'flaky' });
    expect(before).toBe(0);
    droppable.sinks.at(-1)!.connection('closed', { error: new Error('network lost'), retryable: true });
    await eventually(
      async () => (await linda.getAccount('flaky')).status === 'ready' && droppable.sinks.length >= 2,
      'reconnected',
    );
    expect(sampleSum(await scrape(), 'linda_reconnects_total', { account: 'flaky' })).toBe(1);
  });

  it('drops the series of a removed account (account churn does not grow the scrape)', async () => {
    const delivered = linda.sandbox.stats().delivered;
    await linda.createAccount({ id: 'gone', connector: 'sandbox' });
    await linda.sandbox.sayMany('gone', [{ from: '+15554000001', input: '!ping' }]);
    await linda.idle();
    await eventually(() => linda.sandbox.stats().delivered > delivered, 'the reply delivered');
    const withGone = (f: Map<string, MetricFamily>) =>
      [...f.values()].flatMap((family) =>
        family.samples.filter((s) => s.labels.account === 'gone').map((s) => s.name),
      );
    await eventually(async () => {
      const names = withGone(await scrape());
      return names.includes('linda_sends_total') && names.includes('linda_messages_total');
    }, 'the account in the metrics');
    expect(withGone(await scrape())).toContain('linda_pipeline_latency_seconds_count');
    await linda.removeAccount('gone');
    expect(withGone(await scrape())).toEqual([]);
    // The other accounts keep theirs.
    expect(sampleSum(await scrape(), 'linda_messages_total', { account: 'load' })).toBeGreaterThan(0);
  });
});

describe('GET /metrics with a closed store', () => {
  it('still serves the process metrics and says the store is down', async () => {
    const engine = await startEngine();
    const app = buildServer(engine.linda, { apiKey: API_KEY });
    await app.ready();
    try {
      await engine.linda.store.close();
      const res = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expect(res.statusCode).toBe(200);
      const families = parsePrometheusText(res.body);
      expect(sampleValue(families, 'linda_store_up')).toBe(0);
      expect(sampleValue(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    } finally {
      await app.close();
      await engine.close();
    }
  });

  it('rejects an empty metrics token when the server is built', async () => {
    const engine = await startEngine();
    try {
      const listeners = engine.linda.events.listenerCount();
      expect(() => buildServer(engine.linda, { apiKey: API_KEY, metricsToken: '' })).toThrow(/metricsToken/);
      expect(engine.linda.events.listenerCount()).toBe(listeners);
    } finally {
      await engine.close();
    }
  });
});
