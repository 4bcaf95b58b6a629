import { z } from 'zod';
import { accountId, e164 } from './message.js';

/** Lifecycle of an account's session. */
export const SESSION_STATUSES = ['created', 'starting', 'ready', 'stopped', 'failed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const accountInputSchema = z.object({
  id: accountId,
  name: z.string().min(1).max(128).optional(),
  phone: e164.optional(),
  connector: z.string().min(1).max(32).default('sandbox'),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type AccountInput = z.input<typeof accountInputSchema>;

/** A WhatsApp account Linda runs. `config` is connector-specific and may hold secrets. */
export interface Account {
  id: string;
  name: string;
  phone: string | undefined;
  connector: string;
  config: Record<string, unknown>;
  status: SessionStatus;
  createdAt: number;
}
