import { join } from 'node:path';
import { z } from 'zod';
import { accountId } from '../domain/message.js';
import { parse } from '../domain/validate.js';
import { API_KEY_FILE, readApiKey } from '../server/api-key.js';
import { LindaClient } from './client.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** Where the server listens unless `--url` or `LINDA_URL` says otherwise. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';
/** Data directory unless `--data` or `LINDA_DATA` says otherwise. */
export const DEFAULT_DATA = './data';

/** Options every command inherits from the program. */
export interface GlobalOptions {
  url?: string;
  data?: string;
}

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http:// or https:// URL');

/** TCP port for `--port`. */
export const portOption = z.coerce.number().int().min(0).max(65_535);

/** Interface to bind for `--host`. */
export const hostOption = z.string().min(1).max(255);

/** `--data`, then `LINDA_DATA`, then `./data`. */
export function dataDir(opts: GlobalOptions, io: CliIo): string {
  return opts.data ?? io.env.LINDA_DATA ?? DEFAULT_DATA;
}

/** `--url`, then `LINDA_URL`, then {@link DEFAULT_URL}; validated. */
export function serverUrl(opts: GlobalOptions, io: CliIo): string {
  return parse(httpUrl, opts.url ?? io.env.LINDA_URL ?? DEFAULT_URL, '--url');
}

/**
 * A client for the running server. The key comes from `LINDA_API_KEY`, else `<data>/api-key`
 * (written by `linda start` on the same machine).
 */
export async function connect(opts: GlobalOptions, io: CliIo): Promise<LindaClient> {
  const url = serverUrl(opts, io);
  const fromEnv = io.env.LINDA_API_KEY?.trim();
  if (fromEnv) return new LindaClient(url, fromEnv);
  const path = join(dataDir(opts, io), API_KEY_FILE);
  try {
    return new LindaClient(url, await readApiKey(path));
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'UNAUTHORIZED') {
      // No key here usually means no server was ever started here: say so if none answers.
      await new LindaClient(url, '').health();
      throw new CliError(
        'UNAUTHORIZED',
        `${err.message} — pass --data <dir> of the running server, or set LINDA_API_KEY`,
      );
    }
    throw err;
  }
}

/** `--account` if given (validated), else the server's default account. */
export async function resolveAccount(client: LindaClient, account: string | undefined): Promise<string> {
  if (account !== undefined) return parse(accountId, account, '--account');
  const { defaultAccount } = await client.listAccounts();
  if (defaultAccount === null) {
    throw new CliError(
      'NO_DEFAULT_ACCOUNT',
      'no default account — pass --account <id> or run: linda accounts use <id>',
    );
  }
  return defaultAccount;
}
