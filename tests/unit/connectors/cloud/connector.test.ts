import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudConnectorFactory } from '../../../../src/connectors/cloud/index.js';
import {
  type Connector,
  type ConnectorContext,
  type ConnectorSink,
  isWebhookReceiver,
  type WebhookReceiver,
} from '../../../../src/connectors/types.js';
import { ConnectorError } from '../../../../src/domain/errors.js';
import type { InboundMessage, OutboundMessage, StatusUpdate } from '../../../../src/domain/message.js';
import { FakeGraph, fixture, fixtureJson, sign } from '../../../fixtures/cloud/fake-graph.js';
import { testContext } from '../../../support/connector-context.js';

interface RecordingSink extends ConnectorSink {
  inbound_: InboundMessage[];
  statuses: StatusUpdate[];
  connections: Array<{ state: string; status?: string; retryable?: boolean }>;
}

function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    inbound_: [],
    statuses: [],
    connections: [],
    inbound: async (m) => {
      sink.inbound_.push(m);
    },
    status: (u) => sink.statuses.push(u),
    connection: (state, info) =>
      sink.connections.push({
        state,
        ...(info?.status === undefined ? {} : { status: info.status }),
        ...(info?.retryable === undefined ? {} : { retryable: info.retryable }),
      }),
    linking: () => {},
  };
  return sink;
}

function receiver(connector: Connector): WebhookReceiver {
  if (!isWebhookReceiver(connector)) throw new Error('not a webhook receiver');
  return connector;
}

let graph: FakeGraph;
let ctx: ConnectorContext;

beforeEach(async () => {
  graph = await new FakeGraph().start();
  ctx = testContext('cloudy', graph.config());
});
afterEach(async () => {
  await graph.close();
});

async function connected() {
  const connector = cloudConnectorFactory(ctx);
  const sink = recordingSink();
  await connector.connect(sink);
  return { connector, sink };
}

const TEXT: OutboundMessage = {
  account: 'cloudy',
  id: 'linda-out-1',
  to: '+15550001111',
  kind: 'text',
  body: 'pong',
};
const onSend = (method: string, path: string) => method === 'POST' && path.endsWith('/messages');

describe('cloud connector: config', () => {
  it('refuses a bad config with VALIDATION_FAILED naming the field', () => {
    expect(() => cloudConnectorFactory(testContext('x', { phoneNumberId: 'abc' }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('refuses a sendRate above the Cloud API limit of 1,000 messages a second', () => {
    const config = graph.config({ sendRate: { points: 2000, durationMs: 1000 } });
    expect(() => cloudConnectorFactory(testContext('x', config))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    const ok = graph.config({ sendRate: { points: 1000, durationMs: 1000 } });
    expect(() => cloudConnectorFactory(testContext('x', ok))).not.toThrow();
  });

  it('sends at 80 messages a second unless the account says otherwise', () => {
    expect(cloudConnectorFactory.defaultSendRate).toEqual({ points: 80, durationMs: 1000 });
  });
});

describe('cloud connector: connect', () => {
  it('opens after checking the token', async () => {
    const { sink } = await connected();
    expect(sink.connections).toEqual([{ state: 'open' }]);
    expect(graph.requests[0]).toMatchObject({ method: 'GET', path: '/v21.0/100000000000001?fields=id' });
  });

  it('an expired token parks the account as auth_failed instead of opening', async () => {
    graph.token = 'another-token';
    const { sink } = await connected();
    expect(sink.connections).toEqual([{ state: 'closed', status: 'auth_failed', retryable: false }]);
  });
});

describe('cloud connector: send', () => {
  it('posts text with the bearer token, `to` without + and the quoted message as context', async () => {
    const { connector } = await connected();
    const receipt = await connector.send({ ...TEXT, quotedId: 'wamid.IN1' });
    expect(receipt.id).toBe('wamid.FAKE1');
    const request = graph.requests.find((r) => onSend(r.method, r.path));
    expect(request?.path).toBe('/v21.0/100000000000001/messages');
    expect(request?.headers.authorization).toBe('Bearer test-access-token-0123456789');
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15550001111',
      type: 'text',
      text: { body: 'pong', preview_url: false },
      context: { message_id: 'wamid.IN1' },
    });
  });

  it('drops a quote it cannot name by wamid rather than failing the message', async () => {
    const { connector } = await connected();
    await connector.send({ ...TEXT, quotedId: 'some-linda-id-never-sent-here' });
    expect(graph.sent[0]?.context).toBeUndefined();
  });

  it('posts reactions', async () => {
    const { connector } = await connected();
    await connector.send({ ...TEXT, kind: 'reaction', body: '🔥', meta: { targetId: 'wamid.IN1' } });
    expect(graph.sent[0]).toMatchObject({
      type: 'reaction',
      reaction: { message_id: 'wamid.IN1', emoji: '🔥' },
    });
  });

  it('uploads stored media and sends it by id', async () => {
    const { connector } = await connected();
    const ref = await ctx.media.put(Readable.from([Buffer.from('%PDF-1.4 tiny')]), {
      mime: 'application/pdf',
      fileName: 'a.pdf',
      maxBytes: 1024,
    });
    await connector.send({ ...TEXT, kind: 'document', body: 'here', media: ref });
    const upload = graph.requests.find((r) => r.path.endsWith('/media'));
    expect(upload?.body).toContain('%PDF-1.4 tiny');
    expect(upload?.body).toContain('whatsapp');
    expect(graph.sent[0]).toMatchObject({
      type: 'document',
      document: { id: 'media-1', caption: 'here', filename: 'a.pdf' },
    });
  });

  it('does not send the same Linda id twice (a resend after a crash returns the first wamid)', async () => {
    const { connector } = await connected();
    const first = await connector.send(TEXT);
    const again = await cloudConnectorFactory(ctx).send(TEXT);
    expect(again.id).toBe(first.id);
    expect(graph.sent).toHaveLength(1);
  });

  async function failure(status: number, body: unknown, headers?: Record<string, string>) {
    const { connector, sink } = await connected();
    graph.inject({ status, body, match: onSend, ...(headers === undefined ? {} : { headers }) });
    const err = await connector.send(TEXT).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectorError);
    return { err: err as ConnectorError, sink };
  }

  it('130429 (throughput) is retryable after a short wait', async () => {
    const { err } = await failure(400, fixtureJson('error-130429.json'));
    expect(err).toMatchObject({ retryable: true, code: 'RATE_LIMITED' });
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(5000);
  });

  it('HTTP 429 is retryable and honours Retry-After', async () => {
    const { err } = await failure(429, { error: { message: 'slow down' } }, { 'retry-after': '3' });
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 3000 });
  });

  it('131056 (pair rate) is retryable after about 6 s', async () => {
    const { err } = await failure(400, fixtureJson('error-131056.json'));
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 6000 });
  });

  it('131047 (24-hour window) fails the message with a clear message', async () => {
    const { err } = await failure(400, fixtureJson('error-131047.json'));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('24-hour customer service window is closed: send an approved template first');
  });

  it('190 (token) keeps the message queued and parks the account as auth_failed', async () => {
    const { err, sink } = await failure(401, fixtureJson('error-190.json'));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect(sink.connections.at(-1)).toEqual({ state: 'closed', status: 'auth_failed', retryable: false });
  });

  it('5xx is retryable', async () => {
    const { err } = await failure(500, fixtureJson('error-131000.json'));
    expect(err.retryable).toBe(true);
  });

  it('another 4xx fails the message with the Graph message', async () => {
    const { err } = await failure(400, fixtureJson('error-100.json'));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('(#100) Invalid parameter');
  });

  it('a network error is retryable', async () => {
    const { connector } = await connected();
    await graph.close();
    await expect(connector.send(TEXT)).rejects.toMatchObject({ retryable: true });
  });
});

describe('cloud connector: webhooks', () => {
  const signed = (body: Buffer) => ({ 'x-hub-signature-256': sign(body, 'test-app-secret-abcdef') });

  it('delivers every message of a signed body and only then resolves', async () => {
    const { connector, sink } = await connected();
    const body = fixture('batch-two-messages.json');
    await receiver(connector).receiveWebhook(body, signed(body));
    expect(sink.inbound_.map((m) => m.body)).toEqual(['first', 'second']);
  });

  it('stores nothing for a bad signature', async () => {
    const { connector, sink } = await connected();
    const body = fixture('text.json');
    await expect(
      receiver(connector).receiveWebhook(body, { 'x-hub-signature-256': sign(body, 'wrong') }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(sink.inbound_).toEqual([]);
  });

  it('streams inbound media into the media store with the bearer token', async () => {
    const bytes = Buffer.alloc(200_000, 7);
    graph.files.set('3000000000000003', { bytes, mime: 'image/jpeg' });
    const { connector, sink } = await connected();
    const body = fixture('image.json');
    await receiver(connector).receiveWebhook(body, signed(body));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(sink.inbound_[0]).toMatchObject({
      kind: 'image',
      body: 'a red door',
      media: { sha256: sha, size: bytes.length, mime: 'image/jpeg' },
    });
    expect(await ctx.media.has(sha)).toBe(true);
    const download = graph.requests.find((r) => r.path === '/files/3000000000000003');
    expect(download?.headers.authorization).toBe('Bearer test-access-token-0123456789');
  });

  it('keeps a message whose media is gone, saying why', async () => {
    const { connector, sink } = await connected();
    const body = fixture('document.json');
    await receiver(connector).receiveWebhook(body, signed(body));
    expect(sink.inbound_[0]).toMatchObject({ kind: 'document', meta: { mediaError: expect.any(String) } });
    expect(sink.inbound_[0]?.media).toBeUndefined();
  });

  it('fails the webhook (so Meta redelivers) when media download hits a 5xx', async () => {
    graph.files.set('3000000000000003', { bytes: Buffer.from('x'), mime: 'image/jpeg' });
    graph.inject({ status: 503, body: {}, match: (_m, p) => p.startsWith('/files/') });
    const { connector, sink } = await connected();
    const body = fixture('image.json');
    await expect(receiver(connector).receiveWebhook(body, signed(body))).rejects.toMatchObject({
      retryable: true,
    });
    expect(sink.inbound_).toEqual([]);
  });

  it('replies and reactions to a message Linda sent name it by its Linda id, both ways', async () => {
    const { connector, sink } = await connected();
    await connector.send(TEXT); // wamid.FAKE1
    for (const file of ['text-reply.json', 'reaction.json']) {
      const body = Buffer.from(fixture(file).toString().replaceAll('wamid.OUT0001', 'wamid.FAKE1'));
      await receiver(connector).receiveWebhook(body, signed(body));
    }
    expect(sink.inbound_[0]?.quotedId).toBe('linda-out-1');
    expect(sink.inbound_[1]?.meta?.targetId).toBe('linda-out-1');
    await connector.send({ ...TEXT, id: 'linda-out-2', quotedId: 'linda-out-1' });
    expect(graph.sent[1]?.context).toEqual({ message_id: 'wamid.FAKE1' });
  });

  it('does not download the media of a redelivered message again', async () => {
    graph.files.set('3000000000000003', { bytes: Buffer.from('jpeg'), mime: 'image/jpeg' });
    const stored = new Set<string>();
    ctx = { ...ctx, getMessage: async (_d, id) => (stored.has(id) ? ({ id } as never) : undefined) };
    const { connector, sink } = await connected();
    sink.inbound = async (m) => {
      stored.add(m.id);
      sink.inbound_.push(m);
    };
    const body = fixture('image.json');
    await receiver(connector).receiveWebhook(body, signed(body));
    await receiver(connector).receiveWebhook(body, signed(body));
    expect(graph.requests.filter((r) => r.path.startsWith('/files/'))).toHaveLength(1);
  });

  it('reports statuses under the Linda id of the message the wamid belongs to, even after a restart', async () => {
    const { connector } = await connected();
    await connector.send(TEXT); // wamid.FAKE1
    const status = Buffer.from(
      fixture('status-read.json').toString().replaceAll('wamid.OUT0001', 'wamid.FAKE1'),
    );
    // A fresh connector (as after a restart) finds the mapping in the auth store.
    const fresh = cloudConnectorFactory(ctx);
    const sink = recordingSink();
    await fresh.connect(sink);
    await receiver(fresh).receiveWebhook(status, signed(status));
    expect(sink.statuses).toEqual([{ id: 'linda-out-1', status: 'read', timestamp: 1_767_225_700_000 }]);
  });
});
