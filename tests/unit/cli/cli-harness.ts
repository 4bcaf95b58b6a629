import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { CliIo } from '../../../src/cli/io.js';
import { run } from '../../../src/cli/main.js';
import { launch, type RunningServer } from '../../../src/server/launch.js';

/** What one in-process CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A real server (engine + API on 127.0.0.1:<free port>) and a way to run CLI commands at it. */
export interface CliHarness {
  server: RunningServer;
  dataDir: string;
  /** Runs `linda <args> --url <server> --data <dataDir>`. */
  cli(...args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

/** Runs the CLI in-process with captured output and the given environment. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** Starts `launch()` on a temporary data directory with the demo account. */
export async function startCliHarness(): Promise<CliHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'linda-cli-'));
  const server = await launch({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    demo: true,
    logger: pino({ level: 'silent' }),
  });
  return {
    server,
    dataDir,
    cli: (...args) => runCli([...args, '--url', server.url, '--data', dataDir]),
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
