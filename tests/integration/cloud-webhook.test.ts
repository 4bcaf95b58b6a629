import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudConnectorFactory } from '../../src/connectors/cloud/index.js';
import type { Linda } from '../../src/engine.js';
import { buildServer } from '../../src/server/app.js';
import { FAKE, FakeGraph, fixture, fixtureJson, sign } from '../fixtures/cloud/fake-graph.js';
import { eventually, startEngine } from '../support/engine.js';

const API_KEY = 'test-api-key-cloud-0123456789';
const CUSTOMER = '+15550001111';

let graph: FakeGraph;
let linda: Linda;
let app: FastifyInstance;
let close: () => Promise<void>;

beforeEach(async () => {
  graph = await new FakeGraph().start();
  const engine = await startEngine({ connectors: { cloud: cloudConnectorFactory } });
  linda = engine.linda;
  close = engine.close;
  app = buildServer(linda, { apiKey: API_KEY });
  const created = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { authorization: `Bearer ${API_KEY}` },
    payload: { id: 'cloudy', name: 'Cloud', connector: 'cloud', config: graph.config() },
  });
  expect(created.statusCode).toBe(201);
  await eventually(async () => (await linda.getAccount('cloudy')).status === 'ready', 'account ready');
});

afterEach(async () => {
  await app.close();
  await close();
  await graph.close();
});

function post(body: Buffer, signature = sign(body, FAKE.appSecret)) {
  return app.inject({
    method: 'POST',
    url: '/webhooks/cloud/cloudy',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    payload: body,
  });
}

describe('Cloud API account end to end', () => {
  it('never returns the account secrets', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/accounts/cloudy',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(FAKE.accessToken);
    expect(res.body).not.toContain(FAKE.appSecret);
    expect(res.body).not.toContain(FAKE.verifyToken);
  });

  it('a bad config is refused: the account is parked as failed and says nothing of its secrets', async () => {
    await linda.createAccount({
      id: 'broken',
      connector: 'cloud',
      config: { phoneNumberId: 'not-a-number', accessToken: FAKE.accessToken },
    });
    await eventually(async () => (await linda.getAccount('broken')).status === 'failed', 'failed');
    const res = await app.inject({
      method: 'GET',
      url: '/v1/accounts/broken',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.body).not.toContain(FAKE.accessToken);
  });

  it('answers Meta verification without the API key, and refuses a wrong verify token', async () => {
    const ok = await app.inject({
      method: 'GET',
      url: `/webhooks/cloud/cloudy?hub.mode=subscribe&hub.verify_token=${FAKE.verifyToken}&hub.challenge=42424242`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('42424242');
    const bad = await app.inject({
      method: 'GET',
      url: '/webhooks/cloud/cloudy?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('unknown accounts and non-webhook accounts are 404', async () => {
    await linda.createAccount({ id: 'sandy' });
    const body = fixture('text.json');
    const unknown = await app.inject({
      method: 'POST',
      url: '/webhooks/cloud/nobody',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, FAKE.appSecret) },
      payload: body,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'ACCOUNT_NOT_FOUND' } });
    const sandbox = await app.inject({ method: 'GET', url: '/webhooks/cloud/sandy?hub.mode=subscribe' });
    expect(sandbox.statusCode).toBe(404);
  });

  it('a signed !ping is stored, answered 200, and pong goes out through the Graph API', async () => {
    const res = await post(fixture('text.json'));
    expect(res.statusCode).toBe(200);
    expect(await linda.store.getMessage('cloudy', 'in', 'wamid.LINDA0001')).toMatchObject({
      body: '!ping',
      sender: CUSTOMER,
    });
    await eventually(() => graph.sent.length === 1, 'pong sent');
    const request = graph.requests.find((r) => r.path.endsWith('/messages'));
    expect(request?.headers.authorization).toBe(`Bearer ${FAKE.accessToken}`);
    expect(request?.body).toMatchObject({ to: '15550001111', type: 'text', text: { body: 'pong' } });
  });

  it('a bad signature is 401 and stores nothing', async () => {
    const res = await post(fixture('text.json'), sign(fixture('text.json'), 'not-the-app-secret'));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const missing = await app.inject({
      method: 'POST',
      url: '/webhooks/cloud/cloudy',
      headers: { 'content-type': 'application/json' },
      payload: fixture('text.json'),
    });
    expect(missing.statusCode).toBe(401);
    expect(await linda.store.getMessage('cloudy', 'in', 'wamid.LINDA0001')).toBeUndefined();
  });

  it('a signed body that is not JSON is 400 VALIDATION_FAILED', async () => {
    const res = await post(Buffer.from('{"entry": ['));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('a redelivered webhook is stored and answered once', async () => {
    expect((await post(fixture('text.json'))).statusCode).toBe(200);
    expect((await post(fixture('text.json'))).statusCode).toBe(200);
    await linda.idle();
    await eventually(() => graph.sent.length >= 1, 'pong sent');
    await new Promise((r) => setTimeout(r, 50));
    expect(graph.sent).toHaveLength(1);
    expect(await linda.store.countMessages({ account: 'cloudy', direction: 'in' })).toBe(1);
  });

  it('statuses webhooks move the outbound message to delivered, then read', async () => {
    const record = await linda.use('cloudy').send(CUSTOMER, 'hello');
    await eventually(() => graph.sent.length === 1, 'sent');
    await eventually(
      async () => (await linda.store.getOutbound(record.seq))?.state === 'sent',
      'outbox row sent',
    );
    for (const [file, status] of [
      ['status-delivered.json', 'delivered'],
      ['status-read.json', 'read'],
    ] as const) {
      const body = Buffer.from(fixture(file).toString().replaceAll('wamid.OUT0001', 'wamid.FAKE1'));
      expect((await post(body)).statusCode).toBe(200);
      await eventually(
        async () => (await linda.store.getMessage('cloudy', 'out', record.message.id))?.status === status,
        `status ${status}`,
      );
    }
  });

  it('131047 fails the outbox row with a clear message', async () => {
    graph.inject({
      status: 400,
      body: fixtureJson('error-131047.json'),
      match: (m, p) => m === 'POST' && p.endsWith('/messages'),
    });
    const record = await linda.use('cloudy').send(CUSTOMER, 'late reply');
    await eventually(async () => (await linda.store.getOutbound(record.seq))?.state === 'failed', 'failed');
    expect((await linda.store.getOutbound(record.seq))?.lastError).toContain(
      '24-hour customer service window is closed: send an approved template first',
    );
  });

  it('190 parks the account as auth_failed and keeps the message queued', async () => {
    graph.token = 'rotated-token';
    const record = await linda.use('cloudy').send(CUSTOMER, 'hello');
    await eventually(async () => (await linda.getAccount('cloudy')).status === 'auth_failed', 'auth_failed');
    expect((await linda.store.getOutbound(record.seq))?.state).toBe('queued');
    expect(graph.sent).toHaveLength(0);
  });

  it('inbound media lands in the media store under its sha256', async () => {
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    graph.files.set('3000000000000003', { bytes, mime: 'image/jpeg' });
    expect((await post(fixture('image.json'))).statusCode).toBe(200);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const stored = await linda.store.getMessage('cloudy', 'in', 'wamid.LINDA0003');
    expect(stored).toMatchObject({
      kind: 'image',
      body: 'a red door',
      media: { sha256: sha, size: bytes.length },
    });
    expect(await linda.media.has(sha)).toBe(true);
  });
});
