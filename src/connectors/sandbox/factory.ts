import type { ConnectorFactory } from '../types.js';
import { createSandboxConnector } from './connector.js';
import type { SandboxNetwork } from './network.js';
import { createRemoteSandboxConnector } from './remote-connector.js';

/**
 * The `sandbox` connector kind: in-process on `network`, or remote when the account's
 * `config.url` is a `tcp://` url of a `serveSandbox` listener (another process).
 *
 * @example
 * engine.registerConnector('sandbox', sandboxConnectorFactory(net));
 * // account config { url: 'tcp://127.0.0.1:7400' } → attaches to that process's network
 */
export function sandboxConnectorFactory(network: SandboxNetwork): ConnectorFactory {
  const local = createSandboxConnector(network);
  return (ctx) => {
    const url = ctx.config.url;
    if (url === undefined) return local(ctx);
    // A url that is not tcp:// throws ValidationError here, rather than silently running locally.
    return createRemoteSandboxConnector({
      url: String(url),
      account: ctx.account,
      ...(typeof ctx.config.connectTimeoutMs === 'number'
        ? { connectTimeoutMs: ctx.config.connectTimeoutMs }
        : {}),
    });
  };
}
