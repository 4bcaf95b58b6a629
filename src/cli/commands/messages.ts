import type { Command } from 'commander';
import { z } from 'zod';
import { e164 } from '../../domain/message.js';
import { parse } from '../../domain/validate.js';
import { chatRef, limitParam, textField } from '../../server/schemas.js';
import { connect, type GlobalOptions, resolveAccount } from '../config.js';
import { formatMessages, json } from '../format.js';
import type { CliIo } from '../io.js';

interface AccountOptions {
  account?: string;
  json?: boolean;
}

const searchText = z.string().trim().min(1).max(1024);

/** `linda send`, `linda history`, `linda search`. */
export function registerMessageCommands(program: Command, io: CliIo): void {
  program
    .command('send <to> <text>')
    .description('queue a text message to <to> (E.164, e.g. +15550001)')
    .option('--account <id>', 'account to send from (default: the default account)')
    .option('--idempotency-key <key>', 'retry-safe key: the same key never sends twice')
    .option('--json', 'print JSON')
    .action(
      async (to: string, text: string, opts: AccountOptions & { idempotencyKey?: string }, cmd: Command) => {
        const recipient = parse(e164, to, 'recipient');
        const body = parse(textField, text, 'text');
        const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
        const account = await resolveAccount(client, opts.account);
        const receipt = await client.send(account, recipient, body, opts.idempotencyKey);
        io.stdout(
          opts.json
            ? json(receipt)
            : `queued #${receipt.id} from ${account} to ${recipient} (message ${receipt.messageId}, ${receipt.state})\n`,
        );
      },
    );

  program
    .command('history <chat>')
    .description("a chat's messages, newest first (<chat> is the contact's E.164 number)")
    .option('--account <id>', 'account (default: the default account)')
    .option('--limit <n>', 'messages per page, 1 to 200', '50')
    .option('--before <cursor>', 'page cursor from a previous --json output')
    .option('--json', 'print JSON')
    .action(async (chat: string, opts: AccountOptions & { limit: string; before?: string }, cmd: Command) => {
      const validChat = parse(chatRef, chat, 'chat');
      const limit = parse(limitParam, opts.limit, '--limit');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const account = await resolveAccount(client, opts.account);
      const page = await client.history(account, validChat, limit, opts.before);
      io.stdout(opts.json ? json(page) : formatMessages(page.messages));
    });

  program
    .command('search <query>')
    .description("full-text search over an account's messages")
    .option('--account <id>', 'account (default: the default account)')
    .option('--limit <n>', 'most results, 1 to 200', '50')
    .option('--json', 'print JSON')
    .action(async (query: string, opts: AccountOptions & { limit: string }, cmd: Command) => {
      const q = parse(searchText, query, 'query');
      const limit = parse(limitParam, opts.limit, '--limit');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const account = await resolveAccount(client, opts.account);
      const result = await client.search(account, q, limit);
      io.stdout(opts.json ? json(result) : formatMessages(result.messages));
    });
}
