import { join } from 'node:path';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { z } from 'zod';
import { accountId, e164 } from '../../domain/message.js';
import { parse } from '../../domain/validate.js';
import { API_KEY_FILE, readApiKey } from '../../server/api-key.js';
import type { LindaClient } from '../client.js';
import { connect, dataDir, type GlobalOptions } from '../config.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

interface LinkOptions {
  pairingCode?: string;
  timeout: string;
  interval: string;
}

/** Statuses after which no QR code will come without a restart. */
const GAVE_UP = new Set(['failed', 'logged_out', 'replaced', 'auth_failed', 'unlinked', 'stopped']);

const seconds = z.coerce.number().int().min(1).max(3_600);
const millis = z.coerce.number().int().min(10).max(60_000);

/**
 * `linda accounts link <id> [--pairing-code +PHONE]`: creates the Baileys account if needed (or
 * restarts one that gave up), then shows each QR code (or the pairing code) until the phone has
 * linked the device.
 */
export function registerLinkCommand(program: Command, io: CliIo): void {
  const accounts = program.commands.find((c) => c.name() === 'accounts');
  if (accounts === undefined) throw new Error('register the accounts command first');
  accounts
    .command('link <id>')
    .description('link a WhatsApp account (Baileys): shows the QR code to scan, or a pairing code')
    .option('--pairing-code <e164>', 'link with a pairing code for this phone number instead of a QR code')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .option('--interval <ms>', 'how often to ask the server for a new code', '1000')
    .action(async (id: string, opts: LinkOptions, cmd: Command) => {
      const account = parse(accountId, id, 'account id');
      const phone =
        opts.pairingCode === undefined ? undefined : parse(e164, opts.pairingCode, '--pairing-code');
      const deadline = Date.now() + parse(seconds, opts.timeout, '--timeout') * 1000;
      const interval = parse(millis, opts.interval, '--interval');
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const client = await connect(globals, io);
      const apiKey =
        io.env.LINDA_API_KEY?.trim() || (await readApiKey(join(dataDir(globals, io), API_KEY_FILE)));
      if (await prepare(client, account, phone, io)) return;

      let shown: string | undefined;
      while (Date.now() < deadline) {
        const info = await fetchLinking(client.baseUrl, apiKey, account);
        if (info !== undefined) {
          const code = info.pairingCode ?? info.qr ?? undefined;
          if (code !== undefined && code !== shown) {
            shown = code;
            io.stdout(await render(info));
          }
        } else {
          const status = await statusOf(client, account);
          if (status === 'ready') {
            io.stdout(`linked: ${account} is connected\n`);
            return;
          }
          if (GAVE_UP.has(status)) {
            throw new CliError('LINK_FAILED', `${account} is ${status} — run the command again to retry`);
          }
        }
        await new Promise((r) => setTimeout(r, interval));
      }
      throw new CliError('TIMEOUT', `${account} was not linked in time`);
    });
}

/** Creates or restarts the account; true when it is already linked and connected. */
async function prepare(
  client: LindaClient,
  id: string,
  phone: string | undefined,
  io: CliIo,
): Promise<boolean> {
  const existing = (await client.listAccounts()).accounts.find((a) => a.id === id);
  if (existing === undefined) {
    await client.createAccount({
      id,
      connector: 'baileys',
      config: phone === undefined ? {} : { pairingPhone: phone },
    });
    io.stdout(`created ${id} (baileys)\n`);
    return false;
  }
  if (existing.connector !== 'baileys') {
    throw new CliError(
      'VALIDATION_FAILED',
      `${id} uses the ${existing.connector} connector; only baileys accounts link`,
    );
  }
  if (phone !== undefined && !existing.configKeys.includes('pairingPhone')) {
    throw new CliError(
      'VALIDATION_FAILED',
      `${id} was created for QR linking; remove it (linda accounts remove ${id}) and link again with --pairing-code`,
    );
  }
  if (existing.status === 'ready') {
    io.stdout(`linked: ${id} is connected\n`);
    return true;
  }
  if (existing.status !== 'starting') {
    await client.stopAccount(id);
    await client.startAccount(id);
  }
  return false;
}

async function statusOf(client: LindaClient, id: string): Promise<string> {
  const account = (await client.listAccounts()).accounts.find((a) => a.id === id);
  if (account === undefined) throw new CliError('ACCOUNT_NOT_FOUND', `no account "${id}"`);
  return account.status;
}

/** `GET /v1/accounts/:id/qr`; undefined on 404 NOT_FOUND (not linking right now). */
async function fetchLinking(
  baseUrl: string,
  apiKey: string,
  id: string,
): Promise<{ qr: string | null; pairingCode: string | null } | undefined> {
  let res: Response;
  try {
    res = await fetch(new URL(`/v1/accounts/${encodeURIComponent(id)}/qr`, baseUrl), {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new CliError('SERVER_UNREACHABLE', `no Linda server at ${baseUrl}`, { cause: err });
  }
  const body = (await res.json().catch(() => undefined)) as
    | { qr?: string | null; pairingCode?: string | null; error?: { code?: string; message?: string } }
    | undefined;
  if (res.status === 404 && body?.error?.code === 'NOT_FOUND') return undefined;
  if (!res.ok) {
    throw new CliError(
      body?.error?.code ?? 'BAD_RESPONSE',
      body?.error?.message ?? `server answered ${res.status}`,
    );
  }
  return { qr: body?.qr ?? null, pairingCode: body?.pairingCode ?? null };
}

async function render(info: { qr: string | null; pairingCode: string | null }): Promise<string> {
  if (info.pairingCode !== null) {
    return `pairing code: ${info.pairingCode}\non the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead\n`;
  }
  const art = await QRCode.toString(info.qr ?? '', { type: 'terminal', small: true });
  return `${art}\nscan with WhatsApp → Linked devices → Link a device (the code refreshes; a new one prints here)\n`;
}
