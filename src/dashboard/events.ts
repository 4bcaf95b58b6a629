import type { Api } from './api.js';
import type { LindaEvent } from './types.js';

/** Connection state shown in the header. */
export type StreamState = 'connecting' | 'live' | 'offline' | 'unavailable';

/** Callbacks of {@link streamEvents}. */
export interface StreamHandlers {
  onEvent(event: LindaEvent): void;
  onState(state: StreamState): void;
  /** The key was refused (401): the page logs out. */
  onUnauthorized(): void;
}

/**
 * Reads `GET /v1/events` (server-sent events) with fetch, since EventSource cannot send the
 * Authorization header. Reconnects with backoff (1 s doubling to 15 s) and resumes from the last
 * event id. Returns a function that stops it.
 * @example
 *   const stop = streamEvents(api, ['stats.tick'], { onEvent: draw, onState: show, onUnauthorized: logout });
 */
export function streamEvents(api: Api, types: string[], handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  let delay = 1000;

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      handlers.onState('connecting');
      try {
        const headers = api.headers({ accept: 'text/event-stream' });
        if (lastId !== undefined) headers['last-event-id'] = lastId;
        const res = await fetch(`/v1/events?types=${types.join(',')}`, {
          headers,
          signal: abort.signal,
          cache: 'no-store',
        });
        if (res.status === 401) return handlers.onUnauthorized();
        if (res.status === 404) handlers.onState('unavailable');
        else if (res.ok && res.body !== null) {
          handlers.onState('live');
          delay = 1000;
          await readStream(res.body, (event) => {
            lastId = event.id;
            handlers.onEvent(event);
          });
        }
      } catch {
        // aborted, or the connection dropped: fall through to the retry
      }
      if (abort.signal.aborted) return;
      handlers.onState('offline');
      await sleep(delay, abort.signal);
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void run();
  return () => abort.abort();
}

/** Parses an event stream (`id:`, `event:`, `data:` lines; a blank line ends an event). */
async function readStream(
  body: ReadableStream<Uint8Array>,
  emit: (event: LindaEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (line === '') {
        if (data.length > 0) dispatch(data.join('\n'), emit);
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
      // `id:` and `event:` repeat what the JSON payload carries; `:` lines are keep-alives.
    }
  }
}

function dispatch(json: string, emit: (event: LindaEvent) => void): void {
  let event: LindaEvent;
  try {
    event = JSON.parse(json) as LindaEvent;
  } catch {
    return; // not ours to show
  }
  if (typeof event?.type === 'string') emit(event);
}

/** Resolves after `ms` or on abort, whichever comes first; leaves no listener on `signal` either way. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
