import type { Command } from 'commander';
import { connect, type GlobalOptions } from '../config.js';
import { formatStatus, json } from '../format.js';
import type { CliIo } from '../io.js';

/** `linda status [--json]`. */
export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description('engine snapshot and live numbers (msgs/s, latency, queue, heap), per account today')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const status = await client.status();
      io.stdout(opts.json ? json(status) : formatStatus(status));
    });
}
