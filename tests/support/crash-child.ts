/**
 * An engine process for the crash test: account `crash` on a sandbox network in the parent
 * process (tcp url in argv), replying `echo <text>` to every text. Prints `ready` when running.
 * Usage: node --import tsx tests/support/crash-child.ts <dataDir> <tcp-url>
 */
import { createLinda } from '../../src/engine.js';

const [dataDir, url] = process.argv.slice(2);
if (dataDir === undefined || url === undefined) throw new Error('usage: crash-child <dataDir> <tcp-url>');
const linda = await createLinda({
  dataDir,
  pipeline: { flood: { points: 1_000_000, durationMs: 1_000 } },
  outbox: { rate: { points: 1_000_000, durationMs: 1_000 }, backoff: { baseMs: 5, capMs: 50, jitter: 0 } },
});
linda.bot.on('text', (ctx) => ctx.reply(`echo ${ctx.text}`));
await linda.start();
try {
  await linda.getAccount('crash');
} catch {
  await linda.createAccount({ id: 'crash', connector: 'sandbox', config: { url } });
}
process.stdout.write('ready\n');
