/**
 * Every error Linda raises on purpose is a `LindaError` with a stable `code` a user can search for.
 * The HTTP layer maps `status` straight to the response; the CLI prints `code: message`.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  ACCOUNT_EXISTS: 409,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  NO_DEFAULT_ACCOUNT: 409,
  SESSION_NOT_READY: 409,
  ROUTE_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  CONNECTOR_UNKNOWN: 400,
  CONNECTOR_FAILED: 502,
  SEND_FAILED: 502,
  STORAGE_FAILED: 500,
  STORAGE_CORRUPT: 500,
  STORAGE_UNWRITABLE: 500,
  ENGINE_STOPPED: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Base of every deliberate error. `details` is safe to show a user (never secrets). */
export class LindaError extends Error {
  override name = 'LindaError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** One problem found by a schema, in a form a user can act on. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input that failed a schema at a boundary (HTTP body, CLI argument, connector payload). */
export class ValidationError extends LindaError {
  override name = 'ValidationError';
  readonly issues: ValidationIssue[];

  constructor(message: string, issues: ValidationIssue[] = []) {
    super('VALIDATION_FAILED', message, issues.length > 0 ? { issues } : undefined);
    this.issues = issues;
  }
}

/** The store could not do what was asked (I/O, corruption, constraint). */
export class StorageError extends LindaError {
  override name = 'StorageError';
}

/** A connector operation failed; `operation` names it (connect, send, ...). */
export class ConnectorError extends LindaError {
  override name = 'ConnectorError';
  readonly operation: string;
  /** Whether retrying the same operation later may succeed. */
  readonly retryable: boolean;
  /** The network asked to wait this long before retrying (throughput limits, pair rate). */
  readonly retryAfterMs: number | undefined;

  constructor(
    operation: string,
    message: string,
    opts: {
      retryable?: boolean;
      retryAfterMs?: number;
      code?: ErrorCode;
      cause?: unknown;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(opts.code ?? 'CONNECTOR_FAILED', message, { operation, ...opts.details }, { cause: opts.cause });
    this.operation = operation;
    this.retryable = opts.retryable ?? true;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A handler threw while processing one inbound message. */
export class PipelineError extends LindaError {
  override name = 'PipelineError';
  readonly account: string;
  readonly messageId: string;

  constructor(account: string, messageId: string, cause: unknown) {
    super('INTERNAL', `handler failed for ${account}/${messageId}: ${errorMessage(cause)}`, undefined, {
      cause,
    });
    this.account = account;
    this.messageId = messageId;
  }
}

/** Message text of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Narrowing helper for catch blocks. */
export function isLindaError(err: unknown): err is LindaError {
  return err instanceof LindaError;
}
