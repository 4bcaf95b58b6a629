import { EVENT_TYPES, type EventType } from '../events/bus.js';

/** Event types that only stream live (SSE): too frequent to queue a durable delivery for each. */
export const LIVE_ONLY_EVENT_TYPES: ReadonlySet<string> = new Set(['stats.tick']);

/** Event types a webhook may subscribe to: every bus event type but the live-only ones. */
export const WEBHOOK_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter(
  (t) => !LIVE_ONLY_EVENT_TYPES.has(t),
);

/** True for a type the bus publishes. */
export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
