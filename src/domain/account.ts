import { z } from 'zod';
import { accountId, e164 } from './message.js';

/**
 * Lifecycle of an account's session: created → starting → ready → stopped / failed, plus the
 * terminal states a real network can put it in (none of them reconnects by itself):
 * `logged_out` (the phone unlinked this device), `replaced` (another client took the session),
 * `auth_failed` (token expired or invalid), `unlinked` (linking never finished).
 */
export const SESSION_STATUSES = [
  'created',
  'starting',
  'ready',
  'stopped',
  'failed',
  'logged_out',
  'replaced',
  'auth_failed',
  'unlinked',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses a connector may park its session in when it closes for good. */
export type TerminalSessionStatus = Extract<
  SessionStatus,
  'failed' | 'logged_out' | 'replaced' | 'auth_failed' | 'unlinked'
>;

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
