#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/accounts.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerLinkCommand } from './commands/link.js';
import { registerMessageCommands } from './commands/messages.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerStartCommand } from './commands/start.js';
import { registerStatusCommand } from './commands/status.js';
import { registerWebhookCommands } from './commands/webhooks.js';
import { DEFAULT_DATA, DEFAULT_URL } from './config.js';
import { describeError } from './errors.js';
import { type CliIo, processIo } from './io.js';

/** The `linda` command tree, writing to `io`. A fresh one per run, so runs never share state. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('linda')
    .description('Linda: a multi-account WhatsApp bot engine')
    .option('--url <url>', `server URL (env LINDA_URL, default ${DEFAULT_URL})`)
    .option('--data <dir>', `data directory holding api-key (env LINDA_DATA, default ${DEFAULT_DATA})`)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Commander's own messages are reported by `run` in the `error CODE: message` shape.
      outputError: () => {},
    });
  // Subcommands copy exitOverride and the output configuration from their parent on creation.
  registerStartCommand(program, io);
  registerAccountCommands(program, io);
  registerLinkCommand(program, io);
  registerMessageCommands(program, io);
  registerStatusCommand(program, io);
  registerSandboxCommands(program, io);
  registerWebhookCommands(program, io);
  registerBenchCommand(program, io);
  return program;
}

/**
 * Runs one CLI invocation (`argv` without `node` and the script) and returns the exit code.
 * Failures print `error CODE: message` on stderr and return 1.
 * @example
 *   const code = await run(['accounts', 'list', '--json'], processIo());
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help was printed (asked for, or a bare `linda` / `linda accounts`): no error line.
      if (err.exitCode === 0 || err.code === 'commander.help') return err.exitCode;
      io.stderr(`error VALIDATION_FAILED: ${err.message.replace(/^error: /, '')}\n`);
      return 1;
    }
    io.stderr(`${describeError(err)}\n`);
    return 1;
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
      // Let pending writes flush, but do not wait forever on a handle someone left open.
      setTimeout(() => process.exit(code), 2_000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`${describeError(err)}\n`);
      process.exit(1);
    },
  );
}
