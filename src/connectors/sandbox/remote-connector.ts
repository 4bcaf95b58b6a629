import { connect as netConnect, type Socket } from 'node:net';
import {
  ConnectorError,
  ERROR_STATUS,
  type ErrorCode,
  errorMessage,
  ValidationError,
} from '../../domain/errors.js';
import type { OutboundMessage } from '../../domain/message.js';
import type { Connector, ConnectorSink, SendReceipt } from '../types.js';
import { SANDBOX_KIND } from './connector.js';
import {
  type ClientFrame,
  encodeFrame,
  readFrames,
  type ServerFrame,
  serverFrameSchema,
} from './protocol.js';

/** Options of `createRemoteSandboxConnector`. */
export interface RemoteSandboxOptions {
  /** `tcp://host:port` of a `serveSandbox` listener. */
  url: string;
  account: string;
  /** `connect` rejects (retryable) when the handshake takes longer. Default 5,000 ms. */
  connectTimeoutMs?: number;
}

/** Host and port of a `tcp://` url; throws `ValidationError` for anything else. */
export function parseSandboxUrl(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`sandbox url is not a url: ${url}`);
  }
  const port = Number(parsed.port);
  if (parsed.protocol !== 'tcp:' || parsed.hostname === '' || !(port > 0 && port < 65_536)) {
    throw new ValidationError(`sandbox url must look like tcp://127.0.0.1:PORT: ${url}`);
  }
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * A connector for a sandbox network in another process (`serveSandbox`). Inbound messages are
 * acknowledged only after `sink.inbound` resolved; many can be in flight at once. An unexpected
 * close reports `connection('closed', { retryable: true })` and rejects in-flight sends.
 *
 * @example
 * const c = createRemoteSandboxConnector({ url: 'tcp://127.0.0.1:7400', account: 'demo' });
 */
export function createRemoteSandboxConnector(opts: RemoteSandboxOptions): Connector {
  return new RemoteSandboxConnector(opts);
}

interface Link {
  socket: Socket;
  sink: ConnectorSink;
  open: boolean;
  /** Set by `disconnect`: the close that follows is ours and the sink hears nothing more. */
  ending: boolean;
  replaced: boolean;
  rid: number;
  sends: Map<number, { resolve: (r: SendReceipt) => void; reject: (e: Error) => void }>;
}

class RemoteSandboxConnector implements Connector {
  readonly kind = SANDBOX_KIND;
  readonly #opts: RemoteSandboxOptions;
  readonly #target: { host: string; port: number };
  #link: Link | undefined;

  constructor(opts: RemoteSandboxOptions) {
    this.#opts = opts;
    this.#target = parseSandboxUrl(opts.url);
  }

  connect(sink: ConnectorSink): Promise<void> {
    if (this.#link !== undefined) {
      return Promise.reject(
        new ConnectorError('connect', `sandbox account ${this.#opts.account} is already connected`, {
          retryable: false,
        }),
      );
    }
    sink.connection('connecting');
    const socket = netConnect(this.#target);
    const link: Link = {
      socket,
      sink,
      open: false,
      ending: false,
      replaced: false,
      rid: 0,
      sends: new Map(),
    };
    this.#link = link;
    return new Promise<void>((resolve, reject) => {
      let settle: ((err?: Error) => void) | undefined = (err) => {
        settle = undefined;
        clearTimeout(timer);
        if (err === undefined) resolve();
        else reject(err);
      };
      const timer = setTimeout(() => {
        settle?.(new ConnectorError('connect', `sandbox handshake with ${this.#opts.url} timed out`));
        socket.destroy();
      }, this.#opts.connectTimeoutMs ?? 5_000);
      const write = (frame: ClientFrame): void => {
        if (socket.writable) socket.write(encodeFrame(frame));
      };

      const onFrame = (frame: ServerFrame): void => {
        switch (frame.t) {
          case 'ready':
            if (link.ending) {
              settle?.(new ConnectorError('connect', 'disconnected during connect', { retryable: false }));
              return;
            }
            link.open = true;
            sink.connection('open');
            settle?.();
            return;
          case 'in':
            if (link.ending) return; // the network rejects the waiting say when we are gone
            sink.inbound(frame.msg).then(
              () => write({ t: 'ack', seq: frame.seq }),
              (err: unknown) => write({ t: 'nack', seq: frame.seq, error: errorMessage(err) }),
            );
            return;
          case 'status':
            if (!link.ending) sink.status(frame.update);
            return;
          case 'sent':
          case 'err': {
            const pending = link.sends.get(frame.rid);
            if (pending === undefined) return;
            link.sends.delete(frame.rid);
            if (frame.t === 'sent') pending.resolve(frame.receipt);
            else pending.reject(remoteError(frame.message, frame.retryable, frame.code));
            return;
          }
          case 'error':
            // Before `ready` it answers our hello (bad account id); afterwards it flags our bug.
            settle?.(
              new ConnectorError('connect', `sandbox refused: ${frame.message}`, { retryable: false }),
            );
            if (!link.open) socket.destroy();
            return;
          case 'replaced':
            link.replaced = true;
            return;
        }
      };

      readFrames(socket, serverFrameSchema, onFrame, (reason) =>
        socket.destroy(new Error(`sandbox sent a bad frame: ${reason}`)),
      );
      let failure: Error | undefined;
      socket.on('error', (err) => {
        failure = err;
      });
      socket.once('connect', () => write({ t: 'hello', account: this.#opts.account }));
      socket.once('close', () => {
        if (this.#link === link) this.#link = undefined;
        const error = link.replaced
          ? new ConnectorError('connect', `sandbox account ${this.#opts.account} was connected elsewhere`, {
              retryable: false,
            })
          : new ConnectorError(
              'connect',
              `sandbox connection closed${failure ? `: ${failure.message}` : ''}`,
              {
                cause: failure,
              },
            );
        settle?.(error);
        for (const pending of link.sends.values()) {
          pending.reject(new ConnectorError('send', 'sandbox connection closed before the network answered'));
        }
        link.sends.clear();
        if (link.open && !link.ending) sink.connection('closed', { error, retryable: !link.replaced });
        link.open = false;
      });
    });
  }

  async disconnect(): Promise<void> {
    const link = this.#link;
    if (link === undefined) return;
    link.ending = true;
    const { socket } = link;
    if (socket.closed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      // end() flushes acks already written; the server closes its side in turn.
      socket.end();
      const timer = setTimeout(() => socket.destroy(), 1_000);
      socket.once('close', () => clearTimeout(timer));
    });
  }

  send(message: OutboundMessage): Promise<SendReceipt> {
    const link = this.#link;
    if (link === undefined || !link.open || link.ending) {
      return Promise.reject(
        new ConnectorError('send', `sandbox account ${this.#opts.account} is not connected`, {
          code: 'SESSION_NOT_READY',
        }),
      );
    }
    const rid = link.rid++;
    return new Promise<SendReceipt>((resolve, reject) => {
      link.sends.set(rid, { resolve, reject });
      link.socket.write(encodeFrame({ t: 'send', rid, msg: message }));
    });
  }
}

function remoteError(message: string, retryable: boolean, code: string | undefined): ConnectorError {
  const known = code !== undefined && code in ERROR_STATUS ? (code as ErrorCode) : undefined;
  return new ConnectorError(
    'send',
    message,
    known === undefined ? { retryable } : { retryable, code: known },
  );
}
