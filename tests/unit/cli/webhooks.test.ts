import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/engine.js';
import { type CliHarness, startCliHarness } from './cli-harness.js';

describe('linda webhooks', () => {
  let h: CliHarness;
  let receiver: Server;
  let url: string;
  const received: string[] = [];
  beforeAll(async () => {
    h = await startCliHarness();
    receiver = createServer((req, res) => {
      received.push(String(req.headers['x-linda-event-id']));
      req.on('error', () => {});
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`;
  });
  afterAll(async () => {
    await h.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('adds (secret shown once), lists, shows deliveries, replays and removes', async () => {
    const add = await h.cli(
      'webhooks',
      'add',
      url,
      '--events',
      'session.status, message.received',
      '--account',
      'demo',
    );
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout).toMatch(
      /^added wh_[0-9a-f]{20} → http:\/\/127\.0\.0\.1:\d+\/hook \(session\.status,message\.received, account demo\)\n/,
    );
    const secret = /secret: (whsec_\S+)/.exec(add.stdout)?.[1];
    expect(secret).toBeDefined();
    const id = /added (wh_[0-9a-f]+)/.exec(add.stdout)![1]!;

    const list = await h.cli('webhooks', 'list');
    expect(list.stdout).toMatch(/ID\s+URL\s+EVENTS\s+ACCOUNT\s+CREATED/);
    expect(list.stdout).toContain(id);
    expect(list.stdout).not.toContain(secret);
    const listed = JSON.parse((await h.cli('webhooks', 'list', '--json')).stdout);
    expect(listed.webhooks).toEqual([expect.objectContaining({ id, account: 'demo', url })]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect((await h.cli('accounts', 'stop', 'demo')).code).toBe(0);
    await eventually(() => received.length >= 1, 'a delivery');
    let deliveries: Array<{ id: string; eventId: string; state: string }> = [];
    await eventually(async () => {
      deliveries = JSON.parse(
        (await h.cli('webhooks', 'deliveries', id, '--state', 'delivered', '--json')).stdout,
      ).deliveries;
      return deliveries.length >= 1;
    }, 'a delivered row');
    const table = await h.cli('webhooks', 'deliveries', id);
    expect(table.stdout).toMatch(/ID\s+EVENT\s+TYPE\s+ACCOUNT\s+STATE\s+ATTEMPTS\s+HTTP/);
    expect(table.stdout).toMatch(/session\.status\s+demo\s+delivered\s+1\s+204/);

    const first = deliveries[0]!;
    const replay = await h.cli('webhooks', 'replay', first.id);
    expect(replay).toMatchObject({ code: 0, stdout: `${first.id} (event ${first.eventId}): queued\n` });
    await eventually(() => received.filter((e) => e === first.eventId).length === 2, 'the replayed event');

    expect((await h.cli('webhooks', 'remove', id)).stdout).toBe(`removed ${id}\n`);
    expect((await h.cli('webhooks', 'list')).stdout).toContain('no webhooks');
  });

  it.each([
    [['webhooks', 'add', 'ftp://example.com', '--events', '*'], 'VALIDATION_FAILED'],
    [['webhooks', 'add', 'https://u:p@example.com', '--events', '*'], 'VALIDATION_FAILED'],
    [['webhooks', 'add', 'https://example.com', '--events', 'campaign.progress'], 'VALIDATION_FAILED'],
    [['webhooks', 'add', 'https://example.com', '--events', 'stats.tick'], 'VALIDATION_FAILED'],
    [['webhooks', 'add', 'https://example.com'], 'VALIDATION_FAILED'],
    [['webhooks', 'add', 'https://example.com', '--events', '*', '--secret', 'short'], 'VALIDATION_FAILED'],
    [['webhooks', 'add', 'https://example.com', '--events', '*', '--account', 'ghost'], 'ACCOUNT_NOT_FOUND'],
    [['webhooks', 'remove', 'wh_ghost'], 'WEBHOOK_NOT_FOUND'],
    [['webhooks', 'deliveries', 'wh_ghost'], 'WEBHOOK_NOT_FOUND'],
    [['webhooks', 'deliveries', 'wh_ghost', '--state', 'lost'], 'VALIDATION_FAILED'],
    [['webhooks', 'replay', 'dlv_ghost'], 'DELIVERY_NOT_FOUND'],
    [['webhooks', 'replay', '../x'], 'VALIDATION_FAILED'],
  ])('linda %j fails with %s and exit 1, registering nothing', async (args, code) => {
    const res = await h.cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^error ${code}: .+\\n$`));
    expect(res.stdout).toBe('');
    expect(JSON.parse((await h.cli('webhooks', 'list', '--json')).stdout).webhooks).toEqual([]);
  });
});
