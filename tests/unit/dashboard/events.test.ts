import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The dashboard compiles under its own tsconfig (DOM types); a literal import would pull it into
// this project's typecheck, so it is loaded by a path tsc does not follow, with the shape it has.
type StreamEvents = (
  api: { headers(extra?: Record<string, string>): Record<string, string> },
  types: string[],
  handlers: { onEvent(event: unknown): void; onState(state: string): void; onUnauthorized(): void },
) => () => void;
const EVENTS_MODULE = '../../../src/dashboard/events.js';
const { streamEvents } = (await import(EVENTS_MODULE)) as { streamEvents: StreamEvents };

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('dashboard streamEvents', () => {
  it('retries a server that is down without piling up listeners on its abort signal', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    let calls = 0;
    vi.stubGlobal('fetch', async (_url: string, init: { signal: AbortSignal }) => {
      signal = init.signal;
      calls++;
      throw new TypeError('fetch failed');
    });
    const states: string[] = [];
    const api = {
      headers: (extra: Record<string, string> = {}) => ({ authorization: 'Bearer k', ...extra }),
    };
    const stop = streamEvents(api, ['stats.tick'], {
      onEvent: () => {},
      onState: (s) => states.push(s),
      onUnauthorized: () => {},
    });
    // An hour of an unreachable server: a retry every 15 s at most.
    for (let i = 0; i < 240; i++) await vi.advanceTimersByTimeAsync(15_000);
    expect(calls).toBeGreaterThan(200);
    expect(states).toContain('offline');
    // At most the pending sleep's own listener.
    expect(getEventListeners(signal!, 'abort').length).toBeLessThanOrEqual(1);
    stop();
    await vi.advanceTimersByTimeAsync(20_000);
    const after = calls;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(after); // stopped: no more attempts
  });
});
