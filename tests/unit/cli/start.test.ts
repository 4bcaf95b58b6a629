import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { run } from '../../../src/cli/main.js';
import { runCli } from './cli-harness.js';

/** `linda start` run in-process; resolves `url` once it listens; `stop()` is the SIGTERM. */
function startInProcess(args: string[]) {
  const shutdown = new AbortController();
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    shutdown: shutdown.signal,
  };
  const exit = run(['start', '--port', '0', '--log-level', 'silent', ...args], io);
  const url = (async () => {
    for (let i = 0; i < 200; i++) {
      const m = /listening on (\S+)/.exec(stdout);
      if (m?.[1]) return m[1];
      if (stderr) throw new Error(stderr);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`server did not start: ${stdout}`);
  })();
  return {
    url,
    output: () => ({ stdout, stderr }),
    stop: async () => {
      shutdown.abort();
      return exit;
    },
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

describe('linda start', () => {
  const dirs: string[] = [];
  const tempData = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'linda-start-')), 'data');
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(join(d, '..'), { recursive: true, force: true });
  });

  it('creates the data dir, a 0600 API key printed only on the first run, and the demo account', async () => {
    const data = tempData();
    const first = startInProcess(['--data', data]);
    const url = await first.url;
    const keyFile = join(data, 'api-key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.output().stdout).toContain(key);

    const list = await runCli(['accounts', 'list', '--json'], { LINDA_URL: url, LINDA_DATA: data });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).accounts.map((a: { id: string }) => a.id)).toEqual(['demo']);
    expect(await first.stop()).toBe(0);

    const second = startInProcess(['--data', data]);
    await second.url;
    expect(second.output().stdout).not.toContain(key);
    expect(second.output().stdout).not.toMatch(/API key/);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect(await second.stop()).toBe(0);
  });

  it('--no-demo creates no account', async () => {
    const data = tempData();
    const s = startInProcess(['--data', data, '--no-demo']);
    const url = await s.url;
    const list = await runCli(['accounts', 'list', '--url', url, '--data', data]);
    expect(list.stdout).toContain('no accounts');
    const send = await runCli(['send', '+15550001', 'hi', '--url', url, '--data', data]);
    expect(send.code).toBe(1);
    expect(send.stderr).toMatch(/^error NO_DEFAULT_ACCOUNT: /);
    expect(await s.stop()).toBe(0);
  });

  it('refuses a port already in use with ADDRESS_IN_USE', async () => {
    const data = tempData();
    const s = startInProcess(['--data', data]);
    const port = new URL(await s.url).port;
    const clash = await runCli(['start', '--port', port, '--data', tempData(), '--log-level', 'silent']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/^error ADDRESS_IN_USE: /);
    expect(await s.stop()).toBe(0);
  });

  it.each([
    [['start', '--port', '-1']],
    [['start', '--port', 'http']],
    [['start', '--log-level', 'loud']],
    [['start', '--host', '']],
  ])('linda %j fails with VALIDATION_FAILED', async (args) => {
    const res = await runCli([...args, '--data', tempData()]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error VALIDATION_FAILED: /);
  });
});

describe('reaching the server', () => {
  it('reports SERVER_UNREACHABLE when nothing listens at --url', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await runCli(['status', '--url', url], { LINDA_API_KEY: 'whatever' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `error SERVER_UNREACHABLE: no Linda server at ${url} — start one with npm start\n`,
    );
  });

  it('reports SERVER_UNREACHABLE, not a missing key, when no server was ever started', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await runCli(['accounts', 'list', '--url', url, '--data', join(tmpdir(), 'linda-none')]);
    expect(res.stderr).toMatch(/^error SERVER_UNREACHABLE: /);
  });

  it('rejects a non-http --url with VALIDATION_FAILED', async () => {
    const res = await runCli(['status', '--url', 'ftp://example.com'], { LINDA_API_KEY: 'k' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error VALIDATION_FAILED: /);
  });
});
