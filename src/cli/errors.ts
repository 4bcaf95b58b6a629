import { errorMessage, isLindaError } from '../domain/errors.js';

/**
 * A failure the CLI reports as `error CODE: message`. Codes are the server's (`ACCOUNT_NOT_FOUND`,
 * ...) plus the client's own: `SERVER_UNREACHABLE`, `BAD_RESPONSE`, `ADDRESS_IN_USE`.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The `error CODE: message` line printed for anything thrown by a command. */
export function describeError(err: unknown): string {
  if (err instanceof CliError || isLindaError(err)) return `error ${err.code}: ${err.message}`;
  return `error INTERNAL: ${errorMessage(err)}`;
}
