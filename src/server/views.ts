import type { Account } from '../domain/account.js';

/** An account as the API returns it: `config` may hold secrets, so only its keys are shown. */
export interface AccountView {
  id: string;
  name: string;
  phone: string | null;
  connector: string;
  status: string;
  createdAt: number;
  configKeys: string[];
}

/** Strips config values from `account`. */
export function accountView(account: Account): AccountView {
  return {
    id: account.id,
    name: account.name,
    phone: account.phone ?? null,
    connector: account.connector,
    status: account.status,
    createdAt: account.createdAt,
    configKeys: Object.keys(account.config ?? {}).sort(),
  };
}
