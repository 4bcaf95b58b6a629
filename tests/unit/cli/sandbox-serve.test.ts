import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { run } from '../../../src/cli/main.js';
import { runCli } from './cli-harness.js';

describe('linda sandbox serve', () => {
  it('listens on TCP until shut down, and refuses a port in use', async () => {
    const shutdown = new AbortController();
    let stdout = '';
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => {},
      env: {},
      shutdown: shutdown.signal,
    };
    const exit = run(['sandbox', 'serve', '--port', '0'], io);
    let url: URL | undefined;
    for (let i = 0; i < 200 && url === undefined; i++) {
      const m = /listening on (tcp:\/\/\S+)/.exec(stdout);
      if (m?.[1]) url = new URL(m[1]);
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(url?.hostname).toBe('127.0.0.1');
    const port = Number(url?.port);

    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });

    const clash = await runCli(['sandbox', 'serve', '--port', String(port)]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/^error ADDRESS_IN_USE: /);

    shutdown.abort();
    expect(await exit).toBe(0);
  });

  it.each([[['--port', '70000']], [['--port', 'x']], [['--host', '']]])(
    'rejects %j with VALIDATION_FAILED',
    async (args) => {
      const res = await runCli(['sandbox', 'serve', ...args]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^error VALIDATION_FAILED: /);
    },
  );
});
