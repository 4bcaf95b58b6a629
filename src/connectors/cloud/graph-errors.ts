import { ConnectorError } from '../../domain/errors.js';

/** Graph error codes the connector treats specially. */
export const GRAPH = {
  TOKEN_INVALID: 190,
  THROUGHPUT: 130429,
  PAIR_RATE: 131056,
  WINDOW_CLOSED: 131047,
} as const;

/** Wait after a throughput limit when the response names no `Retry-After`. */
export const THROUGHPUT_RETRY_MS = 2_000;
/** WhatsApp allows about one message every 6 s to the same recipient. */
export const PAIR_RATE_RETRY_MS = 6_000;
/** A message stays queued this long between tries while the account's token is invalid. */
export const AUTH_RETRY_MS = 60_000;

/** The `error` object of a Graph API error response. */
export interface GraphErrorBody {
  code?: number;
  message?: string;
  error_subcode?: number;
  error_data?: { details?: string };
  fbtrace_id?: string;
}

/** Reads `{ error: {...} }` from a parsed response body, if it is one. */
export function graphErrorOf(body: unknown): GraphErrorBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GraphErrorBody) : undefined;
}

function retryAfterHeader(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(Math.round(seconds * 1000), 60_000);
}

/**
 * Turns a failed Graph API response into a `ConnectorError` whose `retryable` and `retryAfterMs`
 * drive the outbox: throttling and 5xx retry, a closed 24-hour window or another 4xx fails the
 * message, an invalid token keeps it queued (`details.authFailed` tells the connector to park).
 */
export function mapGraphError(
  operation: string,
  httpStatus: number,
  body: unknown,
  retryAfter: string | null = null,
): ConnectorError {
  const error = graphErrorOf(body);
  const code = error?.code;
  const graphMessage = error?.message ?? `HTTP ${httpStatus}`;
  const details = {
    httpStatus,
    ...(code === undefined ? {} : { graphCode: code }),
    ...(error?.fbtrace_id === undefined ? {} : { fbtraceId: error.fbtrace_id }),
  };
  const detail = error?.error_data?.details;
  const full = detail === undefined || detail === graphMessage ? graphMessage : `${graphMessage}: ${detail}`;

  if (code === GRAPH.TOKEN_INVALID) {
    return new ConnectorError(operation, `access token rejected by the Cloud API: ${graphMessage}`, {
      retryable: true,
      retryAfterMs: AUTH_RETRY_MS,
      details: { ...details, authFailed: true },
    });
  }
  if (code === GRAPH.THROUGHPUT || httpStatus === 429) {
    return new ConnectorError(operation, `Cloud API throughput limit reached: ${full}`, {
      retryable: true,
      retryAfterMs: retryAfterHeader(retryAfter) ?? THROUGHPUT_RETRY_MS,
      code: 'RATE_LIMITED',
      details,
    });
  }
  if (code === GRAPH.PAIR_RATE) {
    return new ConnectorError(operation, `sending to this recipient too fast: ${full}`, {
      retryable: true,
      retryAfterMs: PAIR_RATE_RETRY_MS,
      code: 'RATE_LIMITED',
      details,
    });
  }
  if (code === GRAPH.WINDOW_CLOSED) {
    return new ConnectorError(
      operation,
      '24-hour customer service window is closed: send an approved template first',
      { retryable: false, code: 'SEND_FAILED', details },
    );
  }
  if (httpStatus >= 500) {
    return new ConnectorError(operation, `Cloud API error: ${full}`, { retryable: true, details });
  }
  return new ConnectorError(operation, `Cloud API refused the request: ${full}`, {
    retryable: false,
    code: 'SEND_FAILED',
    details,
  });
}

/** True when `err` says the access token is no longer valid. */
export function isAuthFailure(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError && err.details?.authFailed === true;
}
