import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, runCli, startCliHarness } from './cli-harness.js';

describe('linda accounts', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await startCliHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds, lists (table and JSON), uses and removes accounts', async () => {
    const add = await h.cli(
      'accounts',
      'add',
      'sales',
      '--connector',
      'sandbox',
      '--name',
      'Sales',
      '--phone',
      '+15551230000',
    );
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout).toContain('added sales (sandbox)');

    const table = await h.cli('accounts', 'list');
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/ID\s+NAME\s+CONNECTOR\s+STATUS\s+PHONE/);
    expect(lines.find((l) => l.includes('demo'))).toMatch(/^\*\s+demo/);
    expect(lines.find((l) => l.includes('sales'))).toContain('+15551230000');

    expect((await h.cli('accounts', 'use', 'sales')).stdout).toBe('default account: sales\n');
    const json = JSON.parse((await h.cli('accounts', 'list', '--json')).stdout);
    expect(json.defaultAccount).toBe('sales');
    expect(json.accounts.map((a: { id: string }) => a.id).sort()).toEqual(['demo', 'sales']);

    const stop = await h.cli('accounts', 'stop', 'sales', '--json');
    expect(JSON.parse(stop.stdout).status).toBe('stopped');
    expect((await h.cli('accounts', 'start', 'sales')).code).toBe(0);

    const removed = await h.cli('accounts', 'remove', 'sales', '--purge');
    expect(removed).toMatchObject({ code: 0, stdout: 'removed sales (purged)\n' });
    const after = JSON.parse((await h.cli('accounts', 'list', '--json')).stdout);
    expect(after.accounts.map((a: { id: string }) => a.id)).toEqual(['demo']);
  });

  it('honours LINDA_API_KEY and LINDA_URL, and reports a wrong key as UNAUTHORIZED', async () => {
    const env = { LINDA_URL: h.server.url, LINDA_API_KEY: h.server.apiKey, LINDA_DATA: '/nonexistent' };
    expect((await runCli(['accounts', 'list'], env)).code).toBe(0);
    const wrong = await runCli(['accounts', 'add', 'intruder'], { ...env, LINDA_API_KEY: 'not-the-key' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('error UNAUTHORIZED: invalid API key\n');
    expect((await runCli(['accounts', 'list', '--json'], env)).stdout).not.toContain('intruder');
  });

  it.each([
    [['accounts', 'add', 'Bad Id'], 'VALIDATION_FAILED'],
    [['accounts', 'add', 'x', '--phone', '12345'], 'VALIDATION_FAILED'],
    [['accounts', 'add', 'demo'], 'ACCOUNT_EXISTS'],
    [['accounts', 'add', 'x', '--connector', 'carrier-pigeon'], 'CONNECTOR_UNKNOWN'],
    [['accounts', 'add'], 'VALIDATION_FAILED'],
    [['accounts', 'use', 'ghost'], 'ACCOUNT_NOT_FOUND'],
    [['accounts', 'use', '../etc'], 'VALIDATION_FAILED'],
    [['accounts', 'remove', 'ghost'], 'ACCOUNT_NOT_FOUND'],
    [['accounts', 'start', 'ghost'], 'ACCOUNT_NOT_FOUND'],
    [['accounts', 'list', '--bogus'], 'VALIDATION_FAILED'],
    [['accounts', 'frobnicate'], 'VALIDATION_FAILED'],
  ])('linda %j fails with %s and exit 1', async (args, code) => {
    const before = JSON.parse((await h.cli('accounts', 'list', '--json')).stdout);
    const res = await h.cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^error ${code}: .+\\n$`));
    expect(res.stdout).toBe('');
    expect(JSON.parse((await h.cli('accounts', 'list', '--json')).stdout)).toEqual(before);
  });
});
