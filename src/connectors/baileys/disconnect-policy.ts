import type { TerminalSessionStatus } from '../../domain/account.js';

/** What the connector does when Baileys closes its socket. */
export type CloseAction =
  | { action: 'restart' }
  | { action: 'close'; retryable: true }
  | { action: 'close'; retryable: false; status: TerminalSessionStatus; clearAuth: boolean };

/** Baileys' `DisconnectReason` codes the policy tells apart (a Boom `output.statusCode`). */
export const REASON = {
  loggedOut: 401,
  forbidden: 403,
  connectionReplaced: 440,
  restartRequired: 515,
} as const;

/** The Boom status code of a close error, if any. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * 515 (restart required, sent right after a device is linked): reconnect at once, not a failure.
 * 401 (logged out from the phone): forget the auth state and park as `logged_out`.
 * 440 (another client took the session): park as `replaced` — reconnecting would fight it.
 * 403 (the number is banned or blocked): park as `auth_failed`.
 * Anything else (network loss, timeouts, 428, 500, 503): a retryable close; the session backs off.
 */
export function closeAction(error: unknown): CloseAction {
  switch (statusCodeOf(error)) {
    case REASON.restartRequired:
      return { action: 'restart' };
    case REASON.loggedOut:
      return { action: 'close', retryable: false, status: 'logged_out', clearAuth: true };
    case REASON.connectionReplaced:
      return { action: 'close', retryable: false, status: 'replaced', clearAuth: false };
    case REASON.forbidden:
      return { action: 'close', retryable: false, status: 'auth_failed', clearAuth: false };
    default:
      return { action: 'close', retryable: true };
  }
}
