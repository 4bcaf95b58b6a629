import type { Command } from 'commander';
import { accountInputSchema } from '../../domain/account.js';
import { accountId } from '../../domain/message.js';
import { parse } from '../../domain/validate.js';
import { connect, type GlobalOptions } from '../config.js';
import { formatAccount, formatAccounts, json } from '../format.js';
import type { CliIo } from '../io.js';

interface JsonOption {
  json?: boolean;
}

/** `linda accounts add | list | use | remove | start | stop`. */
export function registerAccountCommands(program: Command, io: CliIo): void {
  const accounts = program.command('accounts').description('manage WhatsApp accounts');

  accounts
    .command('add <id>')
    .description('create an account and start its session')
    .option('--connector <name>', 'connector driver', 'sandbox')
    .option('--name <name>', 'display name')
    .option('--phone <e164>', 'phone number, E.164 (+15550001234)')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: { connector: string; name?: string; phone?: string } & JsonOption,
        cmd: Command,
      ) => {
        const input = parse(
          accountInputSchema,
          { id, connector: opts.connector, name: opts.name, phone: opts.phone },
          'account',
        );
        const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
        const account = await client.createAccount({
          id: input.id,
          connector: input.connector,
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.phone === undefined ? {} : { phone: input.phone }),
        });
        io.stdout(opts.json ? json(account) : `added ${formatAccount(account)}`);
      },
    );

  accounts
    .command('list')
    .description('list accounts; * marks the default')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption, cmd: Command) => {
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const list = await client.listAccounts();
      io.stdout(opts.json ? json(list) : formatAccounts(list.accounts, list.defaultAccount));
    });

  accounts
    .command('use <id>')
    .description('make <id> the default account of send, history, search')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: JsonOption, cmd: Command) => {
      const valid = parse(accountId, id, 'account id');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const result = await client.useAccount(valid);
      io.stdout(opts.json ? json(result) : `default account: ${result.defaultAccount}\n`);
    });

  accounts
    .command('remove <id>')
    .description('stop and delete an account; --purge also deletes its messages')
    .option('--purge', 'delete messages, contacts and outbox too')
    .action(async (id: string, opts: { purge?: boolean }, cmd: Command) => {
      const valid = parse(accountId, id, 'account id');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      await client.removeAccount(valid, opts.purge === true);
      io.stdout(`removed ${valid}${opts.purge ? ' (purged)' : ''}\n`);
    });

  for (const verb of ['start', 'stop'] as const) {
    accounts
      .command(`${verb} <id>`)
      .description(`${verb} an account's session`)
      .option('--json', 'print JSON')
      .action(async (id: string, opts: JsonOption, cmd: Command) => {
        const valid = parse(accountId, id, 'account id');
        const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
        const account = verb === 'start' ? await client.startAccount(valid) : await client.stopAccount(valid);
        io.stdout(opts.json ? json(account) : formatAccount(account));
      });
  }
}
