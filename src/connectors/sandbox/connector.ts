import { ConnectorError } from '../../domain/errors.js';
import type { InboundMessage, OutboundMessage, StatusUpdate } from '../../domain/message.js';
import type { Connector, ConnectorContext, ConnectorSink, SendReceipt } from '../types.js';
import type { SandboxNetwork } from './network.js';

/** The connector kind every sandbox connector (in-process or remote) reports. */
export const SANDBOX_KIND = 'sandbox';

/**
 * Builds in-process sandbox connectors on `network`: `connect` attaches `ctx.account`, inbound
 * messages go to `sink.inbound` and sends to `network.accept`.
 *
 * @example
 * const connector = createSandboxConnector(net)({ account: 'demo', phone: undefined, config: {} });
 */
export function createSandboxConnector(network: SandboxNetwork): (ctx: ConnectorContext) => Connector {
  return (ctx) => new InProcessSandboxConnector(network, ctx.account);
}

class InProcessSandboxConnector implements Connector {
  readonly kind = SANDBOX_KIND;
  readonly #network: SandboxNetwork;
  readonly #account: string;
  /** The live attachment; undefined while disconnected. Each connect gets a fresh one. */
  #session: { sink: ConnectorSink; detach: () => void; closed: boolean } | undefined;

  constructor(network: SandboxNetwork, account: string) {
    this.#network = network;
    this.#account = account;
  }

  async connect(sink: ConnectorSink): Promise<void> {
    if (this.#session !== undefined && !this.#session.closed) {
      throw new ConnectorError('connect', `sandbox account ${this.#account} is already connected`, {
        retryable: false,
      });
    }
    sink.connection('connecting');
    // The session object is the port's only link to the sink, so closing it silences the port
    // even if the network still holds a reference (a say in flight).
    const session = { sink, detach: () => {}, closed: false };
    session.detach = this.#network.attach(this.#account, {
      deliver: (message: InboundMessage) => {
        if (session.closed) {
          return Promise.reject(
            new ConnectorError('deliver', `sandbox account ${this.#account} disconnected`, {
              retryable: true,
            }),
          );
        }
        return session.sink.inbound(message);
      },
      status: (update: StatusUpdate) => {
        if (!session.closed) session.sink.status(update);
      },
      replaced: () => {
        if (session.closed) return;
        session.closed = true;
        const error = new ConnectorError(
          'connect',
          `sandbox account ${this.#account} was connected elsewhere`,
          {
            retryable: false,
          },
        );
        session.sink.connection('closed', { error, retryable: false });
      },
    });
    this.#session = session;
    sink.connection('open');
  }

  async disconnect(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    session.closed = true;
    session.detach();
  }

  send(message: OutboundMessage): Promise<SendReceipt> {
    if (this.#session === undefined || this.#session.closed) {
      return Promise.reject(
        new ConnectorError('send', `sandbox account ${this.#account} is not connected`, {
          retryable: true,
          code: 'SESSION_NOT_READY',
        }),
      );
    }
    return this.#network.accept(this.#account, message);
  }
}
