import type { Command } from 'commander';
import { SandboxNetwork, serveSandbox } from '../../connectors/sandbox/index.js';
import { accountId, e164 } from '../../domain/message.js';
import { parse } from '../../domain/validate.js';
import { textField } from '../../server/schemas.js';
import { connect, type GlobalOptions, hostOption, portOption } from '../config.js';
import { CliError } from '../errors.js';
import { json } from '../format.js';
import type { CliIo } from '../io.js';
import { isAddressInUse, waitForShutdown } from '../shutdown.js';

/** `linda sandbox say` (through the server) and `linda sandbox serve` (standalone network). */
export function registerSandboxCommands(program: Command, io: CliIo): void {
  const sandbox = program.command('sandbox').description('talk to the sandbox network');

  sandbox
    .command('say <text>')
    .description('a virtual contact writes <text> to a sandbox account; prints the replies')
    .option('--account <id>', 'sandbox account', 'demo')
    .option('--from <e164>', 'the virtual contact', '+15550001')
    .option('--json', 'print the stored inbound message and the replies as JSON')
    .action(async (text: string, opts: { account: string; from: string; json?: boolean }, cmd: Command) => {
      const account = parse(accountId, opts.account, '--account');
      const from = parse(e164, opts.from, '--from');
      const body = parse(textField, text, 'text');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const exchange = await client.sandboxSay(account, from, body);
      if (opts.json) return io.stdout(json(exchange));
      for (const reply of exchange.replies) io.stdout(`${reply.body ?? `[${reply.kind}]`}\n`);
    });

  sandbox
    .command('serve')
    .description('serve a standalone sandbox network over TCP for engines in other processes')
    .option('--port <port>', 'TCP port', '4300')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const port = parse(portOption, opts.port, '--port');
      const host = parse(hostOption, opts.host, '--host');
      const server = await serveSandbox(new SandboxNetwork(), { host, port }).catch((err: unknown) => {
        if (isAddressInUse(err)) throw new CliError('ADDRESS_IN_USE', `${host}:${port} is already in use`);
        throw err;
      });
      io.stdout(`sandbox network listening on ${server.url} (use it as an account's config.url)\n`);
      await waitForShutdown(io);
      await server.close();
    });
}
