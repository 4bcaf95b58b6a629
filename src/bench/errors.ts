import { errorMessage, isLindaError } from '../domain/errors.js';

/** One line for a failed scenario: `CODE: message` for Linda's errors, the message otherwise. */
export function errorText(err: unknown): string {
  return isLindaError(err) ? `${err.code}: ${err.message}` : errorMessage(err);
}

/** A bench failure with a stable code (`BENCH_MODE_MISMATCH`, …); the CLI prints `error CODE: message`. */
export class BenchError extends Error {
  override name = 'BenchError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
