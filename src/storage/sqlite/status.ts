import type { MessageStatus } from '../../domain/message.js';

/**
 * For each status an outbound message may move to, the statuses it may move from. Statuses only
 * go forward (queued < sending < sent < delivered < read). `failed` is reachable only before
 * delivery; a failed message may still move to sent/delivered/read when the network proves
 * it arrived (a send that timed out but went through).
 */
export const FORWARD_FROM: Record<MessageStatus, readonly MessageStatus[]> = {
  received: [],
  queued: [],
  sending: ['queued'],
  sent: ['queued', 'sending', 'failed'],
  delivered: ['queued', 'sending', 'sent', 'failed'],
  read: ['queued', 'sending', 'sent', 'delivered', 'failed'],
  failed: ['queued', 'sending', 'sent'],
};

/** Statuses a retry may put back to `queued` (never one the network already confirmed). */
export const REQUEUE_FROM: readonly MessageStatus[] = ['queued', 'sending', 'failed'];

/** `UPDATE` of one outbound message's status, allowed only from `from`. */
export function statusUpdateSql(from: readonly MessageStatus[]): string {
  const list = from.length === 0 ? "''" : from.map((s) => `'${s}'`).join(', ');
  return `UPDATE messages SET status = ?
    WHERE account = ? AND direction = 'out' AND id = ? AND status IN (${list})`;
}
