import type { Command } from 'commander';
import { z } from 'zod';
import { parse } from '../../domain/validate.js';
import { limitParam } from '../../server/schemas.js';
import type { WebhookView } from '../../webhooks/registry.js';
import { webhookInputSchema } from '../../webhooks/registry.js';
import type { DeliveryView } from '../../webhooks/service.js';
import { connect, type GlobalOptions } from '../config.js';
import { formatTime, json, table } from '../format.js';
import type { CliIo } from '../io.js';

interface JsonOption {
  json?: boolean;
}

const webhookId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id such as wh_… or dlv_…');
const deliveryState = z.enum(['queued', 'sending', 'delivered', 'dead']).optional();

function formatWebhooks(webhooks: WebhookView[]): string {
  if (webhooks.length === 0) {
    return 'no webhooks — add one with: linda webhooks add <url> --events message.received\n';
  }
  return table(
    ['ID', 'URL', 'EVENTS', 'ACCOUNT', 'CREATED'],
    webhooks.map((w) => [w.id, w.url, w.events.join(','), w.account ?? '*', formatTime(w.createdAt)]),
  );
}

function formatDeliveries(deliveries: DeliveryView[]): string {
  if (deliveries.length === 0) return 'no deliveries\n';
  return table(
    ['ID', 'EVENT', 'TYPE', 'ACCOUNT', 'STATE', 'ATTEMPTS', 'HTTP', 'CREATED', 'LAST ERROR'],
    deliveries.map((d) => [
      d.id,
      d.eventId,
      d.eventType,
      d.account,
      d.state,
      String(d.attempts),
      d.lastStatus === null ? '' : String(d.lastStatus),
      formatTime(d.createdAt),
      d.lastError ?? '',
    ]),
  );
}

/** `linda webhooks add | list | remove | deliveries | replay`. */
export function registerWebhookCommands(program: Command, io: CliIo): void {
  const webhooks = program.command('webhooks').description('outbound webhooks: signed event deliveries');

  webhooks
    .command('add <url>')
    .description('register a webhook; prints its signing secret once')
    .requiredOption('--events <list>', 'comma-separated event types, or * for all')
    .option('--account <id>', "only this account's events (default: every account)")
    .option('--secret <secret>', 'your own signing secret, at least 16 characters (default: generated)')
    .option('--json', 'print JSON')
    .action(
      async (
        url: string,
        opts: { events: string; account?: string; secret?: string } & JsonOption,
        cmd: Command,
      ) => {
        const input = parse(
          webhookInputSchema,
          {
            url,
            events: opts.events
              .split(',')
              .map((t) => t.trim())
              .filter((t) => t.length > 0),
            ...(opts.account === undefined ? {} : { account: opts.account }),
            ...(opts.secret === undefined ? {} : { secret: opts.secret }),
          },
          'webhook',
        );
        const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
        const created = await client.createWebhook(input);
        io.stdout(
          opts.json
            ? json(created)
            : `added ${created.id} → ${created.url} (${created.events.join(',')}${
                created.account === null ? '' : `, account ${created.account}`
              })\nsecret: ${created.secret}\n(shown once: receivers verify X-Linda-Signature with it)\n`,
        );
      },
    );

  webhooks
    .command('list')
    .description('list webhooks (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption, cmd: Command) => {
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const list = await client.listWebhooks();
      io.stdout(opts.json ? json(list) : formatWebhooks(list.webhooks));
    });

  webhooks
    .command('remove <id>')
    .description('delete a webhook and its deliveries (queued ones are never sent)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const valid = parse(webhookId, id, 'webhook id');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      await client.removeWebhook(valid);
      io.stdout(`removed ${valid}\n`);
    });

  webhooks
    .command('deliveries <webhook-id>')
    .description("a webhook's deliveries, newest first")
    .option('--state <state>', 'only queued, sending, delivered or dead')
    .option('--limit <n>', 'how many (1-200)', '50')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { state?: string; limit: string } & JsonOption, cmd: Command) => {
      const valid = parse(webhookId, id, 'webhook id');
      const state = parse(deliveryState, opts.state, '--state');
      const limit = parse(limitParam, opts.limit, '--limit');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const list = await client.webhookDeliveries(valid, limit, state);
      io.stdout(opts.json ? json(list) : formatDeliveries(list.deliveries));
    });

  webhooks
    .command('replay <delivery-id>')
    .description('send a dead or delivered delivery again (same event id, attempts reset)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: JsonOption, cmd: Command) => {
      const valid = parse(webhookId, id, 'delivery id');
      const client = await connect(cmd.optsWithGlobals<GlobalOptions>(), io);
      const delivery = await client.replayDelivery(valid);
      io.stdout(
        opts.json ? json(delivery) : `${delivery.id} (event ${delivery.eventId}): ${delivery.state}\n`,
      );
    });
}
