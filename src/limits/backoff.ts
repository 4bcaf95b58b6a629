/** Capped exponential backoff with full jitter between `base` and the exponential step. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** 0 = no jitter, 1 = the delay may be anywhere between half and the full step. */
  jitter: number;
}

/**
 * Delay before attempt number `attempt` (1 = first retry).
 *
 * @example backoffDelay({ baseMs: 500, capMs: 60_000, jitter: 0.5 }, 3) // ~1,500–2,000 ms
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = step * policy.jitter * 0.5;
  return Math.round(step - spread + random() * spread);
}
