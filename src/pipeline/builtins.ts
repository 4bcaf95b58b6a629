import type { Composer } from './composer.js';
import type { Context } from './context.js';

const HELP = [
  'Commands:',
  '!help — this list',
  '!ping — answers pong',
  '!status — the bot account and uptime',
].join('\n');

/** The chat commands every Linda bot answers: `!help`, `!ping`, `!status`. */
export function registerBuiltins(bot: Composer<Context>): void {
  const startedAt = Date.now();
  bot.command('help', (ctx) => ctx.reply(HELP));
  bot.command('ping', (ctx) => ctx.reply('pong'));
  bot.command('status', (ctx) =>
    ctx.reply(
      `account ${ctx.account.id} (${ctx.account.connector}), up ${Math.round((Date.now() - startedAt) / 1000)} s`,
    ),
  );
}
