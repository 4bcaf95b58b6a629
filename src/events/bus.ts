import { randomBytes } from 'node:crypto';
import type { SessionStatus } from '../domain/account.js';
import type { Message, MessageKind, MessageStatus } from '../domain/message.js';

/** Every event type Linda publishes, for webhook filters, SSE and metrics. */
export const EVENT_TYPES = [
  'message.received',
  'message.handled',
  'message.sent',
  'message.status',
  'session.status',
  'stats.tick',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What each event type carries. */
export interface EventData {
  /** An inbound message is durable (stored once; redeliveries publish nothing). */
  'message.received': { message: Message };
  /** The handlers ran on an inbound message; `latencyMs` from acceptance to handled. */
  'message.handled': {
    id: string;
    chat: string;
    kind: MessageKind;
    replies: number;
    latencyMs: number;
    flooded: boolean;
    error?: string;
  };
  /**
   * One send attempt of an outbox row ended: `sent`, `retry` (back in the queue), `failed`
   * (not retryable) or `dead` (out of attempts).
   */
  'message.sent': {
    id: string;
    to: string;
    kind: MessageKind;
    result: 'sent' | 'retry' | 'failed' | 'dead';
    attempts: number;
    /** The text (or caption) sent, when there is one. */
    body?: string;
    error?: string;
  };
  /** The network reported a status for an outbound message (delivered, read, failed…). */
  'message.status': { id: string; status: MessageStatus };
  /** An account's session changed state. */
  'session.status': { status: SessionStatus; error?: string };
  /** Once a second while a server runs (account `'*'`): the live numbers the dashboard draws. */
  'stats.tick': StatsTick;
}

/** One second of live engine numbers (`stats.tick`, `GET /v1/stats`, `linda status`). */
export interface StatsTick {
  /** Inbound messages stored per second, over the last tick. */
  inPerSec: number;
  /** Outbound messages the network accepted per second, over the last tick. */
  outPerSec: number;
  /** Median ms from acceptance to handled, over the last 5 s; null when nothing was handled. */
  latencyP50Ms: number | null;
  /** 99th percentile of the same; null when nothing was handled. */
  latencyP99Ms: number | null;
  /** Outbox rows waiting (queued and sending), all accounts. */
  queued: number;
  heapUsedBytes: number;
}

/** One published event. `id` is stable: replays and retries carry the same id. */
export type LindaEvent<T extends EventType = EventType> = {
  [K in T]: { id: string; type: K; at: number; account: string; data: EventData[K] };
}[T];

export type EventListener = (event: LindaEvent) => void;

let counter = 0;
const SUFFIX = randomBytes(4).toString('hex');

/** A unique event id (`evt_` + time + counter + per-process random part). */
export function newEventId(): string {
  counter = (counter + 1) & 0xffffff;
  return `evt_${Date.now().toString(36)}${counter.toString(36).padStart(5, '0')}${SUFFIX}`;
}

/**
 * The engine's in-process event bus. Publishing is synchronous and cheap when nobody listens
 * (`wants` lets hot paths skip building the event); a throwing listener is reported to
 * `onListenerError` and never reaches the publisher.
 */
export class EventBus {
  private readonly listeners = new Map<EventType | '*', Set<EventListener>>();

  constructor(private readonly onListenerError: (err: unknown, event: LindaEvent) => void = () => {}) {}

  /** Subscribes to one type, or to every type with `'*'`; returns the unsubscribe function. */
  on(type: EventType | '*', listener: EventListener): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(type) === set) this.listeners.delete(type);
    };
  }

  /** True when someone listens to `type` (directly or through `'*'`). */
  wants(type: EventType): boolean {
    return this.listeners.has(type) || this.listeners.has('*');
  }

  /** How many listeners are attached (for leak tests). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** Publishes an event built from its parts; does nothing when nobody listens. */
  publish<T extends EventType>(type: T, account: string, data: EventData[T]): void {
    if (!this.wants(type)) return;
    const event = { id: newEventId(), type, at: Date.now(), account, data } as LindaEvent;
    for (const key of [type, '*'] as const) {
      const set = this.listeners.get(key);
      if (set === undefined) continue;
      for (const listener of set) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err, event);
        }
      }
    }
  }
}
