import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, startCliHarness } from './cli-harness.js';

describe('linda send, history, search, status, sandbox say', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await startCliHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('sends from the default account and shows it in history and search', async () => {
    const sent = await h.cli('send', '+15550001', 'hello from the CLI');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^queued #\d+ from demo to \+15550001/);

    const json = JSON.parse(
      (await h.cli('send', '--account', 'demo', '+15550001', 'second', '--json')).stdout,
    );
    expect(json).toMatchObject({ id: expect.any(Number), messageId: expect.any(String) });

    const history = await h.cli('history', '+15550001');
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/TIME\s+DIR\s+CHAT\s+FROM\s+STATUS\s+TEXT/);
    expect(lines[1]).toContain('second');
    expect(lines[2]).toContain('hello from the CLI');
    expect(lines[1]).toMatch(/\bout\b/);

    const page = JSON.parse(
      (await h.cli('history', '--account', 'demo', '+15550001', '--limit', '1', '--json')).stdout,
    );
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0].direction).toBe('out');
    expect(typeof page.nextCursor).toBe('string');

    const found = await h.cli('search', 'hello', '--json');
    expect(JSON.parse(found.stdout).messages.map((m: { body: string }) => m.body)).toEqual([
      'hello from the CLI',
    ]);
    expect((await h.cli('search', 'nothing-like-this')).stdout).toBe('no messages\n');
  });

  it('sandbox say prints the replies one per line', async () => {
    const res = await h.cli('sandbox', 'say', '!ping');
    expect(res).toMatchObject({ code: 0, stdout: 'pong\n', stderr: '' });
    const json = JSON.parse((await h.cli('sandbox', 'say', '--from', '+15550009', '!ping', '--json')).stdout);
    expect(json.inbound.chat).toBe('+15550009');
    const inbound = await h.cli('history', '+15550009', '--json');
    expect(JSON.parse(inbound.stdout).messages.some((m: { direction: string }) => m.direction === 'in')).toBe(
      true,
    );
  });

  it('status prints a readable summary and JSON', async () => {
    const text = await h.cli('status');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/default account\s+demo/);
    expect(text.stdout).toMatch(/messages\s+\d+ in, \d+ out/);
    const json = JSON.parse((await h.cli('status', '--json')).stdout);
    expect(json.defaultAccount).toBe('demo');
  });

  it.each([
    [['send', '15550001', 'hi'], 'VALIDATION_FAILED'],
    [['send', '+15550001', ''], 'VALIDATION_FAILED'],
    [['send', '+15550001', 'x'.repeat(65_537)], 'VALIDATION_FAILED'],
    [['send', '+15550001'], 'VALIDATION_FAILED'],
    [['send', '--account', 'ghost', '+15550001', 'hi'], 'ACCOUNT_NOT_FOUND'],
    [['send', '--account', 'Bad!', '+15550001', 'hi'], 'VALIDATION_FAILED'],
    [['history', '+15550001', '--limit', '0'], 'VALIDATION_FAILED'],
    [['history', '+15550001', '--limit', 'many'], 'VALIDATION_FAILED'],
    [['history', 'a b'], 'VALIDATION_FAILED'],
    [['history', '--account', 'ghost', '+15550001'], 'ACCOUNT_NOT_FOUND'],
    [['history'], 'VALIDATION_FAILED'],
    [['search', ' '], 'VALIDATION_FAILED'],
    [['search', 'x', '--limit', '500'], 'VALIDATION_FAILED'],
    [['search', '--account', 'ghost', 'x'], 'ACCOUNT_NOT_FOUND'],
    [['status', '--verbose'], 'VALIDATION_FAILED'],
    [['sandbox', 'say', '--from', 'nobody', 'hi'], 'VALIDATION_FAILED'],
    [['sandbox', 'say', '--account', 'ghost', 'hi'], 'ACCOUNT_NOT_FOUND'],
    [['sandbox', 'say', ''], 'VALIDATION_FAILED'],
  ])('linda %j fails with %s, exit 1, and stores nothing', async (args, code) => {
    const before = JSON.parse((await h.cli('status', '--json')).stdout);
    const res = await h.cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^error ${code}: .+\\n$`));
    expect(res.stdout).toBe('');
    const after = JSON.parse((await h.cli('status', '--json')).stdout);
    expect(after.messages).toEqual(before.messages);
    expect(after.outbox.queued + after.outbox.sent).toBe(before.outbox.queued + before.outbox.sent);
  });
});
