import type { ServerResponse } from 'node:http';

/** Options of {@link openSse}. */
export interface SseOptions {
  /** A `: keepalive` comment this often, so proxies and clients see the stream is alive. */
  keepaliveMs: number;
  /** Bytes the socket may hold unsent; past that the client is too slow and the stream ends. */
  maxBufferBytes: number;
}

/** One open `text/event-stream` response. */
export interface SseStream {
  /** Writes one event; returns false (and ends the stream) when the client cannot keep up. */
  send(id: string, event: string, data: string): boolean;
  /** Ends the stream (the client sees the end); idempotent. */
  end(): void;
  /** Runs once when the stream ends for any reason (client gone, end(), too slow). */
  onClose(fn: () => void): void;
}

/**
 * Turns a raw response into a Server-Sent Events stream: writes the headers and a first comment
 * at once (so a fetch() resolves), then events as `id:`, `event:`, `data:` lines. Memory stays
 * bounded: a client that lets more than `maxBufferBytes` pile up is cut off rather than buffered.
 */
export function openSse(res: ServerResponse, opts: SseOptions): SseStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses unless told not to.
    'x-accel-buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  const closers: Array<() => void> = [];
  let closed = false;
  const keepalive = setInterval(() => write(': keepalive\n\n'), opts.keepaliveMs);
  keepalive.unref();

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    for (const fn of closers.splice(0)) fn();
  };
  res.on('close', close);

  function write(chunk: string): boolean {
    if (closed || res.writableEnded || res.destroyed) return false;
    res.write(chunk);
    if (res.writableLength > opts.maxBufferBytes) {
      // Too slow: drop the connection; what it buffered goes with it.
      res.destroy();
      close();
      return false;
    }
    return true;
  }

  write(': connected\n\n');
  return {
    send: (id, event, data) => write(`id: ${id}\nevent: ${event}\ndata: ${data}\n\n`),
    end() {
      if (!closed && !res.writableEnded) res.end();
      close();
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
}
