import { createServer, type Socket } from 'node:net';
import { ConnectorError, errorMessage, isLindaError } from '../../domain/errors.js';
import type { InboundMessage, OutboundMessage } from '../../domain/message.js';
import type { SandboxNetwork } from './network.js';
import {
  type ClientFrame,
  clientFrameSchema,
  encodeFrame,
  readFrames,
  type ServerFrame,
} from './protocol.js';

/** A running `serveSandbox` listener. */
export interface SandboxServer {
  port: number;
  /** `tcp://host:port`, ready for an account's `config.url`. */
  url: string;
  /** Stops listening and drops every client (their accounts detach). Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `network` over loopback TCP (newline-delimited JSON, see `protocol.ts`) so an engine in
 * another process can attach to it. When a client goes away its account detaches and every
 * `say` still waiting for that client's ack rejects with a retryable `ConnectorError`.
 *
 * @example
 * const server = await serveSandbox(net); // engine config: { url: server.url }
 */
export async function serveSandbox(
  network: SandboxNetwork,
  opts: { host?: string; port?: number } = {},
): Promise<SandboxServer> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveClient(network, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** One client connection: the hello handshake, then the attached account's port. */
function serveClient(network: SandboxNetwork, socket: Socket): void {
  let account: string | undefined;
  let detach: (() => void) | undefined;
  let seq = 0;
  const unacked = new Map<
    number,
    { message: InboundMessage; resolve: () => void; reject: (e: Error) => void }
  >();

  const write = (frame: ServerFrame): void => {
    if (socket.writable) socket.write(encodeFrame(frame));
  };
  const refuse = (code: string, message: string): void => write({ t: 'error', code, message });

  const onFrame = (frame: ClientFrame): void => {
    switch (frame.t) {
      case 'hello':
        hello(frame.account);
        return;
      case 'ack':
      case 'nack': {
        const entry = unacked.get(frame.seq);
        if (entry === undefined) {
          refuse('VALIDATION_FAILED', `no unacknowledged message ${frame.seq}`);
          return;
        }
        unacked.delete(frame.seq);
        if (frame.t === 'ack') entry.resolve();
        else
          entry.reject(new ConnectorError('deliver', `account ${account} refused: ${frame.error ?? 'nack'}`));
        return;
      }
      case 'send':
        send(frame.rid, frame.msg);
        return;
    }
  };

  const hello = (name: string): void => {
    if (account !== undefined) {
      refuse('VALIDATION_FAILED', `already attached as ${account}`);
      return;
    }
    try {
      detach = network.attach(name, {
        deliver: (message) =>
          new Promise<void>((resolve, reject) => {
            if (!socket.writable) {
              reject(new ConnectorError('deliver', `sandbox account ${name} disconnected`));
              return;
            }
            const n = seq++;
            unacked.set(n, { message, resolve, reject });
            write({ t: 'in', seq: n, msg: message });
          }),
        status: (update) => write({ t: 'status', update }),
        replaced: () => {
          write({ t: 'replaced' });
          socket.end();
        },
      });
    } catch (err) {
      refuse(isLindaError(err) ? err.code : 'VALIDATION_FAILED', errorMessage(err));
      return;
    }
    account = name;
    write({ t: 'ready', account: name });
  };

  const send = (rid: number, message: OutboundMessage): void => {
    if (account === undefined) {
      write({ t: 'err', rid, message: 'send before hello', retryable: false, code: 'SESSION_NOT_READY' });
      return;
    }
    network.accept(account, message).then(
      (receipt) => write({ t: 'sent', rid, receipt }),
      (err: unknown) =>
        write({
          t: 'err',
          rid,
          message: errorMessage(err),
          retryable: err instanceof ConnectorError ? err.retryable : false,
          ...(isLindaError(err) ? { code: err.code } : {}),
        }),
    );
  };

  readFrames(socket, clientFrameSchema, onFrame, (reason, oversized) =>
    refuse(oversized ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', reason),
  );
  // A reset connection is an ordinary end of the client here; 'close' follows and cleans up.
  socket.on('error', () => {});
  socket.once('close', () => {
    detach?.();
    for (const { message, reject } of unacked.values()) {
      reject(
        new ConnectorError(
          'deliver',
          `sandbox account ${account} disconnected before acknowledging ${message.id}`,
        ),
      );
    }
    unacked.clear();
  });
}
